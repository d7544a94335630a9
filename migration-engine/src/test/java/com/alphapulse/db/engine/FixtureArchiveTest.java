package com.alphapulse.db.engine;

import static com.alphapulse.db.engine.Fixtures.count;
import static com.alphapulse.db.engine.Fixtures.exec;
import static com.alphapulse.db.engine.Fixtures.failure;
import static com.alphapulse.db.engine.Fixtures.strings;
import static com.alphapulse.db.engine.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.engine.MigrationException.Code;
import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.testing.MigrationSets;
import com.alphapulse.db.verification.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The archive is generic: on the fixture set (not AlphaPulse) every row of every dropped table, every value of
 * every dropped column and every GRANT come back exactly; what cannot be archived is shown and refused.
 */
class FixtureArchiveTest {

    private static final String DEFAULT = "00000000-0000-0000-0000-000000000001";
    private static final String ACME = "0000000a-0000-0000-0000-00000000000a";
    private static final String BETA = "0000000b-0000-0000-0000-00000000000b";
    private static final List<String> TABLES = List.of("tenants", "accounts", "entries", "notes");

    @Test
    @DisplayName("fixture head -> base -> head: every row and column (tenants, accounts, entries.reviewed_on, notes, tenant_ids), "
            + "every table and column GRANT and the sequences' positions come back exactly; nothing refused, nothing skipped")
    void round_trip_to_base_is_lossless() {
        MigrationSet set = MigrationSets.fixture();
        Database db = Fixtures.database("fixture_archive_base");
        String role = db.name() + "_app";
        try {
            MigrationEngine engine = MigrationEngine.configure().dataSource(db.dataSource()).migrations(set)
                    .reason(Fixtures.REASON).load();
            engine.upgrade("003");
            fill(db);
            engine.upgrade("head");
            exec(db, "CREATE ROLE " + role + " NOLOGIN", "GRANT SELECT ON public.notes, public.tenants TO " + role,
                    "GRANT SELECT, INSERT ON public.accounts TO " + role + " WITH GRANT OPTION",
                    "GRANT UPDATE (reviewed_on) ON public.entries TO " + role);
            Map<String, String> before = checksums(db);
            assertThat(before.values()).allSatisfy(v -> assertThat(v).doesNotStartWith("0:"));
            long accounts = count(db, "SELECT count(*) FROM public.accounts");
            long entries = count(db, "SELECT count(*) FROM public.entries");
            long expectedArchive = count(db, "SELECT count(*) FROM public.notes")
                    + count(db, "SELECT count(reviewed_on) FROM public.entries")
                    + entries + accounts // the tenant_id of each, dropped by U003
                    + count(db, "SELECT count(*) FROM public.tenants")
                    + entries + accounts; // whole rows, dropped by U001

            PlanResult plan = engine.plan("base");
            assertThat(plan.risk()).isEqualTo(Risk.HIGH);
            assertThat(plan.unrecoverableRisk(true)).isEqualTo(Risk.NONE);
            assertThat(plan.steps()).flatExtracting(PlanResult.Step::statements).filteredOn(st -> st.risk() != Risk.NONE)
                    .isNotEmpty().allMatch(PlanResult.Statement::archivable);

            DowngradeResult down = engine.downgrade("base", DowngradeOptions.defaults());
            assertThat(down.versions()).extracting(r -> r.version().label()).containsExactly("004", "003", "002", "001");
            assertThat(down.rowsArchived()).isEqualTo(expectedArchive);
            assertThat(strings(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
                    .containsExactly("flyway_schema_history");
            assertThat(engine.status().pendingRestores()).extracting(p -> p.version() + " " + p.table() + " " + p.stranded())
                    .containsExactly("001 accounts false", "001 entries false", "002 tenants false", "003 accounts false",
                            "003 entries false", "003 notes false");

            UpgradeResult up = engine.upgrade("head");
            assertThat(up.rowsSkipped()).isZero();
            assertThat(up.rowsRestored()).isEqualTo(down.rowsArchived());
            assertThat(checksums(db)).isEqualTo(before);
            assertThat(engine.status().pendingRestores()).isEmpty();
            assertThat(Verifier.on(db.dataSource(), set).verify(set.head()).errors()).isEmpty();
            assertThat(count(db, "SELECT count(*) FROM alphapulse_migration.archive_rows")
                    + count(db, "SELECT count(*) FROM alphapulse_migration.archive_columns")
                    + count(db, "SELECT count(*) FROM alphapulse_migration.archive_grants")
                    + count(db, "SELECT count(*) FROM alphapulse_migration.archive_sequences")).as("archive retired").isZero();
            assertThat(strings(db, "SELECT concat_ws(' ', has_table_privilege('" + role + "', 'public.notes', 'SELECT'), "
                    + "has_table_privilege('" + role + "', 'public.tenants', 'SELECT'), "
                    + "has_table_privilege('" + role + "', 'public.accounts', 'INSERT WITH GRANT OPTION'), "
                    + "has_column_privilege('" + role + "', 'public.entries', 'reviewed_on', 'UPDATE'), "
                    + "has_table_privilege('" + role + "', 'public.entries', 'UPDATE'), "
                    + "has_table_privilege('" + role + "', 'public.notes', 'INSERT'))")).as("notes, tenants, accounts, "
                    + "entries.reviewed_on granted; entries, notes not").containsExactly("t t t t f f");
            // The accounts sequence stood at 30, above the highest id left (29): no id is handed out again.
            exec(db, "INSERT INTO public.accounts (name, tenant_id) VALUES ('after', '" + DEFAULT + "')",
                    "INSERT INTO public.notes (tenant_id, account_id, body) VALUES ('" + DEFAULT + "', 1, 'after')");
            assertThat(text(db, "SELECT id FROM public.accounts WHERE name = 'after'")).isEqualTo("31");
            assertThat(count(db, "SELECT count(*) FROM public.notes WHERE body = 'after'")).isOne();

            List<HistoryResult.Entry> journal = engine.history().entries();
            assertThat(journal.stream().filter(e -> e.direction() == Direction.DOWN).mapToLong(HistoryResult.Entry::rowsArchived).sum())
                    .isEqualTo(expectedArchive);
            assertThat(journal.subList(journal.size() - 4, journal.size()).stream().mapToLong(HistoryResult.Entry::rowsRestored).sum())
                    .isEqualTo(expectedArchive);
        } finally {
            Fixtures.dropRole(db, role);
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("a column drop on a table without a primary key and a type change are shown by plan as not archivable and "
            + "refused with DATA_LOSS_REFUSED unless the loss is accepted; the whole table without a primary key is archived")
    void what_cannot_be_archived_is_refused() throws IOException {
        MigrationSet set = extendedSet();
        Database db = Fixtures.database("fixture_archive_refused");
        try {
            MigrationEngine engine = MigrationEngine.configure().dataSource(db.dataSource()).migrations(set)
                    .reason(Fixtures.REASON).load();
            engine.upgrade("head");
            exec(db, "INSERT INTO public.accounts (name, tenant_id) VALUES ('a', '" + DEFAULT + "'), ('b', '" + DEFAULT + "')",
                    "INSERT INTO public.events (happened_at, what, source) VALUES ('2024-01-01 10:00+00', 'boot', 'api'), "
                            + "('2024-01-01 10:00+00', 'boot', 'api'), ('2024-01-02 11:30:00.123456+00', 'stop', 'cli')");

            PlanResult plan = engine.plan("005");
            assertThat(plan.unrecoverableRisk(true)).isEqualTo(Risk.MEDIUM);
            assertThat(plan.steps()).extracting(st -> st.version().label()).containsExactly("007", "006");
            assertThat(plan.steps().get(0).statements()).singleElement().satisfies(st -> {
                assertThat(st.risk()).isEqualTo(Risk.MEDIUM);
                assertThat(st.archivable()).isFalse();
                assertThat(st.dataLoss()).contains("accounts.name: 2 values converted").contains("not archivable: a type change");
            });
            assertThat(plan.steps().get(1).statements()).singleElement().satisfies(st -> {
                assertThat(st.risk()).isEqualTo(Risk.MEDIUM);
                assertThat(st.archivable()).isFalse();
                assertThat(st.dataLoss()).contains("events.source: 3 values").contains("not archivable")
                        .contains("table events has no primary key");
            });

            MigrationException refused = failure(() -> engine.downgrade("005", DowngradeOptions.defaults()));
            assertThat(refused.code()).isEqualTo(Code.DATA_LOSS_REFUSED);
            assertThat(refused.getMessage()).contains("events.source").contains("accounts.name");
            assertThat(engine.status().currentVersion().label()).isEqualTo("007");
            assertThat(count(db, "SELECT count(source) FROM public.events")).isEqualTo(3);

            engine.downgrade("005", DowngradeOptions.defaults().withAcceptDataLoss(true));
            assertThat(engine.status().currentVersion().label()).isEqualTo("005");

            // Dropping the whole table needs no key: every row is archived and comes back, duplicates included.
            String events = text(db, "SELECT string_agg(to_jsonb(e)::text, ',' ORDER BY to_jsonb(e)::text) FROM public.events e");
            assertThat(engine.plan("004").unrecoverableRisk(true)).isEqualTo(Risk.NONE);
            DowngradeResult down = engine.downgrade("004", DowngradeOptions.defaults());
            assertThat(down.rowsArchived()).isEqualTo(3);
            UpgradeResult up = engine.upgrade("005");
            assertThat(up.rowsRestored()).isEqualTo(3);
            assertThat(text(db, "SELECT string_agg(to_jsonb(e)::text, ',' ORDER BY to_jsonb(e)::text) FROM public.events e"))
                    .isEqualTo(events);
        } finally {
            Fixtures.drop(db);
        }
    }

    /** Tenants, accounts across three tenants, entries (some reviewed, some not), notes; the last account deleted. */
    private static void fill(Database db) {
        exec(db, "INSERT INTO public.tenants (id, name, slug, status, metadata) VALUES ('" + ACME + "', 'Acme', 'acme', 'suspended', "
                        + "'{\"tier\": [1, 2.50, null], \"s\": \"x\"}'), ('" + BETA + "', 'Beta', 'beta', 'active', '{}')",
                "UPDATE public.tenants SET metadata = '{\"seeded\": true}' WHERE id = '" + DEFAULT + "'",
                "INSERT INTO public.accounts (name, balance, created_at, tenant_id) SELECT 'acct-' || g, g * 1.25, "
                        + "'2024-02-29 12:34:56.789012+00'::timestamptz + g * interval '1 hour', (CASE g % 3 WHEN 0 THEN '" + DEFAULT
                        + "' WHEN 1 THEN '" + ACME + "' ELSE '" + BETA + "' END)::uuid FROM generate_series(1, 30) g",
                "INSERT INTO public.entries (account_id, amount, memo, tenant_id, reviewed_on) SELECT a.id, g * 0.5, "
                        + "CASE WHEN g % 4 = 0 THEN NULL ELSE 'memo ' || g END, a.tenant_id, "
                        + "CASE WHEN g % 2 = 0 THEN DATE '2024-01-01' + (g * a.id)::int END FROM public.accounts a, generate_series(1, 5) g",
                "INSERT INTO public.notes (tenant_id, account_id, body) SELECT a.tenant_id, a.id, 'note for ' || a.name "
                        + "FROM public.accounts a WHERE a.id % 2 = 0",
                "DELETE FROM public.notes WHERE account_id = 30", "DELETE FROM public.accounts WHERE id = 30");
    }

    private static Map<String, String> checksums(Database db) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String table : TABLES) {
            out.put(table, text(db, "SELECT count(*) || ':' || md5(coalesce(string_agg(to_jsonb(t)::text, ',' ORDER BY t.id), '')) "
                    + "FROM public." + table + " t"));
        }
        return out;
    }

    /** The fixture set and three more versions: a table without a primary key, a column on it, a type change. */
    private static MigrationSet extendedSet() throws IOException {
        Path dir = MigrationSets.copyScripts(MigrationSets.fixture());
        write(dir, "005__events", "CREATE TABLE events (happened_at timestamptz NOT NULL DEFAULT now(), what text NOT NULL);\n",
                "DROP TABLE events;\n");
        write(dir, "006__event_source", "ALTER TABLE events ADD COLUMN source text;\n", "ALTER TABLE events DROP COLUMN source;\n");
        write(dir, "007__account_name_length", "ALTER TABLE accounts ALTER COLUMN name TYPE varchar(200);\n",
                "ALTER TABLE accounts ALTER COLUMN name TYPE text;\n");
        return MigrationSets.generate(dir);
    }

    private static void write(Path dir, String name, String migration, String undo) throws IOException {
        Files.writeString(dir.resolve("migration").resolve("V" + name + ".sql"), migration);
        Files.writeString(dir.resolve("undo").resolve("U" + name + ".sql"), undo);
    }
}
