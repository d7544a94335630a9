package com.alphapulse.db.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.codegen.SchemaCodegen;
import com.alphapulse.db.engine.DowngradeOptions;
import com.alphapulse.db.engine.DowngradeResult;
import com.alphapulse.db.engine.EngineConfig;
import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.engine.PlanResult;
import com.alphapulse.db.engine.Risk;
import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.rehearsal.RehearseOptions;
import com.alphapulse.db.rehearsal.RehearseResult;
import com.alphapulse.db.rehearsal.Rehearsals;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.testing.AlphaPulseRows;
import com.alphapulse.db.testing.MigrationSets;
import com.alphapulse.db.testing.TestDatabases;
import com.alphapulse.db.verification.DataSnapshot;
import com.alphapulse.db.verification.ProbeCheck;
import com.alphapulse.db.verification.ProbeResult;
import com.alphapulse.db.verification.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a team adding the platform's next migration does, with no Java change: copy the AlphaPulse set,
 * add two migrations as SQL files (a new tenant table with row-level security; a new NOT NULL column on
 * the biggest table), and the whole chain works on them: code generation, expected catalogs, verify,
 * plan, downgrade and upgrade with exact restore, rehearse and the isolation probe.
 */
class AddedMigrationsTest {

    static final PostgresProvider PG = PostgresProvider.shared();
    static final Database DB = PG.createDatabase("added_migrations");
    static MigrationSet set;
    static SchemaVersion oldHead;
    static String tableVersion;
    static String columnVersion;

    @BeforeAll
    static void addTwoMigrations() throws Exception {
        MigrationSet alphapulse = AlphaPulseSchema.migrations();
        oldHead = alphapulse.head();
        Path dir = MigrationSets.copyScripts(alphapulse);
        tableVersion = String.format(Locale.ROOT, "%03d", oldHead.number() + 1);
        columnVersion = String.format(Locale.ROOT, "%03d", oldHead.number() + 2);
        Files.writeString(dir.resolve("migration/V" + tableVersion + "__strategy_notes.sql"), """
                -- A new tenant table, protected like the others.
                CREATE TABLE strategy_notes (
                    id         bigserial PRIMARY KEY,
                    tenant_id  uuid NOT NULL REFERENCES tenants (id),
                    account_id integer NOT NULL REFERENCES trading_accounts (id) ON DELETE CASCADE,
                    title      varchar(120) NOT NULL,
                    body       text,
                    created_at timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX idx_strategy_notes_tenant ON strategy_notes (tenant_id);
                ALTER TABLE strategy_notes ENABLE ROW LEVEL SECURITY;
                ALTER TABLE strategy_notes FORCE ROW LEVEL SECURITY;
                CREATE POLICY tenant_isolation_strategy_notes ON strategy_notes
                    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid)
                    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
                """);
        Files.writeString(dir.resolve("undo/U" + tableVersion + "__strategy_notes.sql"), "DROP TABLE strategy_notes;\n");
        Files.writeString(dir.resolve("migration/V" + columnVersion + "__trade_venue.sql"), """
                -- A NOT NULL column on the biggest table; the constant default is catalog-only since PostgreSQL 11.
                ALTER TABLE trades ADD COLUMN venue varchar(16) NOT NULL DEFAULT 'lit';
                """);
        Files.writeString(dir.resolve("undo/U" + columnVersion + "__trade_venue.sql"), "ALTER TABLE trades DROP COLUMN venue;\n");

        // The build's own generator, jOOQ types included, on the copy.
        Path java = Files.createTempDirectory("added-jooq");
        SchemaCodegen.generate(PG, new SchemaCodegen.Request(dir, java, dir, "com.example.schema.v", "com.example.schema.head"));
        assertThat(java.resolve("com/example/schema/head/tables/StrategyNotes.java")).exists();
        assertThat(Files.readString(java.resolve("com/example/schema/v" + columnVersion + "/tables/Trades.java"))).contains("VENUE");
        assertThat(Files.readString(java.resolve("com/example/schema/v" + tableVersion + "/tables/Trades.java"))).doesNotContain("VENUE");
        set = MigrationSet.directory(dir);
    }

    @AfterAll
    static void drop() {
        PG.dropDatabase(DB);
    }

    EngineConfig config(Database db) {
        return MigrationEngine.configure().dataSource(db.dataSource()).migrations(set).reason("added migrations")
                .lockTimeout(Duration.ofSeconds(2));
    }

    MigrationEngine engine(Database db) {
        return config(db).load();
    }

    @Test
    @DisplayName("the added versions are discovered from the files and get expected catalogs from a real PostgreSQL")
    void set_discovers_the_added_versions() {
        assertThat(set.head().label()).isEqualTo(columnVersion);
        assertThat(set.versions()).hasSize(AlphaPulseSchema.migrations().versions().size() + 2);
        assertThat(set.version(tableVersion).expectedCatalogJson("tables")).contains("strategy_notes");
        assertThat(set.version(columnVersion).expectedCatalogJson("columns")).contains("venue");
        assertThat(set.version(tableVersion).expectedCatalogJson("columns")).doesNotContain("\"venue\"");
    }

    @Test
    @DisplayName("verify, plan, downgrade and upgrade work on the added versions and restore every value exactly")
    void round_trip_over_the_added_versions_is_exact() throws Exception {
        MigrationEngine engine = engine(DB);
        engine.upgrade("head");
        Verifier verifier = Verifier.on(DB.dataSource(), set);
        assertThat(verifier.verify(set.head()).errors()).isEmpty();
        assertThat(verifier.identify().match()).contains(set.head());

        AlphaPulseRows.load(DB, 3, 600);
        TestDatabases.execute(DB, """
                INSERT INTO strategy_notes (tenant_id, account_id, title, body)
                SELECT a.tenant_id, a.id, 'note ' || g, CASE WHEN g % 2 = 0 THEN NULL ELSE 'body ' || g END
                  FROM trading_accounts a, generate_series(1, 7) g;
                UPDATE trades SET venue = CASE WHEN id % 3 = 0 THEN 'dark' WHEN id % 3 = 1 THEN 'auction' ELSE 'lit' END;
                """);
        String venues = venues(DB);
        String notes = notes(DB);
        DataSnapshot before = verifier.snapshot();

        PlanResult plan = engine.plan(oldHead.label());
        assertThat(plan.blockers()).isEmpty();
        assertThat(plan.steps()).extracting(st -> st.version().label()).containsExactly(columnVersion, tableVersion);
        assertThat(plan.risk()).isEqualTo(Risk.HIGH);
        assertThat(plan.unrecoverableRisk(true)).as("everything the undo drops is archived").isEqualTo(Risk.NONE);

        DowngradeResult down = engine.downgrade(oldHead.label(), DowngradeOptions.defaults());
        assertThat(down.toVersion().label()).isEqualTo(oldHead.label());
        assertThat(verifier.verify(set.version(oldHead.label())).errors()).isEmpty();
        assertThat(TestDatabases.count(DB, "SELECT count(*) FROM pg_class WHERE relname = 'strategy_notes'")).isZero();

        engine.upgrade("head");
        assertThat(verifier.verify(set.head()).errors()).isEmpty();
        assertThat(venues(DB)).isEqualTo(venues);
        assertThat(notes(DB)).isEqualTo(notes);
        assertThat(Verifier.compare(before, verifier.snapshot()).differences()).isEmpty();
    }

    @Test
    @DisplayName("the isolation probe covers the added tenant table")
    void probe_covers_the_added_table() {
        Database db = PG.createDatabase("added_probe");
        try {
            engine(db).upgrade("head");
            ProbeResult probe = Verifier.on(db.dataSource(), set).probe();
            assertThat(probe.checks()).extracting(ProbeCheck::table).contains("strategy_notes");
            assertThat(probe.passed()).as("%s", probe.checks()).isTrue();
        } finally {
            PG.dropDatabase(db);
        }
    }

    @Test
    @DisplayName("the rehearsal rehearses the added versions, with data in the added table")
    void rehearsal_covers_the_added_versions() {
        Database db = PG.createDatabase("added_rehearsal");
        try {
            RehearseResult r = Rehearsals.on(config(db)).rehearse(new RehearseOptions(2, 0.05, 7, RehearseOptions.DEFAULT_RECOVERY_TARGET));
            assertThat(r.rows()).extracting(RehearseResult.Row::migration).contains(columnVersion, tableVersion);
            assertThat(r.rows()).allSatisfy(row -> assertThat(row.passed()).as("%s: %s", row.migration(), row.error()).isTrue());
            assertThat(r.passed()).isTrue();
            assertThat(r.rows().stream().filter(row -> row.migration().equals(tableVersion)).findFirst().orElseThrow()
                    .rowsArchived()).as("rows of strategy_notes archived by its undo").isPositive();
        } finally {
            PG.dropDatabase(db);
        }
    }

    private static String venues(Database db) {
        return String.valueOf(TestDatabases.count(db, "SELECT count(*) FROM trades")) + ":"
                + TestDatabases.count(db, "SELECT coalesce(sum(hashtext(id || '=' || venue)::bigint), 0) FROM trades");
    }

    private static String notes(Database db) {
        return TestDatabases.count(db, "SELECT count(*) FROM strategy_notes") + ":" + TestDatabases.count(db,
                "SELECT coalesce(sum(hashtext(to_jsonb(n)::text)::bigint), 0) FROM strategy_notes n");
    }
}
