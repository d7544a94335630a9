package com.alphapulse.db.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.testing.MigrationSets;
import com.alphapulse.db.testing.TestDatabases;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every verb on the fixture set, whose tables (accounts, entries, notes, tenants) share no name with
 * AlphaPulse's but tenants: nothing AlphaPulse-specific is needed.
 */
class VerifierFixtureSetTest {

    static final MigrationSet SET = MigrationSets.fixture();
    static final Database DB = PostgresProvider.shared().createDatabase("fixture_verbs");
    static final List<String> TENANT_TABLES = List.of("accounts", "entries", "notes");

    @BeforeAll
    static void migrate() {
        TestDatabases.migrate(DB, SET.head());
    }

    @AfterAll
    static void drop() {
        PostgresProvider.shared().dropDatabase(DB);
    }

    private static Verifier verifier() {
        return Verifier.on(DB.dataSource(), SET);
    }

    @Test
    @DisplayName("verify and identify: the fixture head is exact, and identified as the set's head")
    void verifyAndIdentify() {
        assertThat(verifier().verify(SET.head()).findings()).isEmpty();
        IdentifyResult id = verifier().identify();
        assertThat(id.findings()).isEmpty();
        assertThat(id.match()).contains(SET.head());
        assertThat(verifier().verify(SET.first()).clean()).as("the head is not the first version").isFalse();
    }

    @Test
    @DisplayName("two versions with one catalog (005 changes data only): identify() names the lower, identify(005) the "
            + "likely one at once; a version of another set is refused")
    void aTieGoesToTheLikelyVersion() throws Exception {
        java.nio.file.Path dir = MigrationSets.copyScripts(SET);
        java.nio.file.Files.writeString(dir.resolve("migration/V005__data_only.sql"),
                "UPDATE notes SET body = body WHERE false;\n");
        java.nio.file.Files.writeString(dir.resolve("undo/U005__data_only.sql"), "UPDATE notes SET body = body WHERE false;\n");
        MigrationSet tied = MigrationSets.generate(dir);
        Database db = PostgresProvider.shared().createDatabase("fixture_tie");
        try {
            TestDatabases.migrate(db, tied.head());
            Verifier verifier = Verifier.on(db.dataSource(), tied);
            IdentifyResult full = verifier.identify();
            assertThat(full.match()).as("on a tie the lower version").contains(tied.version("4"));
            assertThat(full.distances()).containsEntry(tied.version("4"), 0).containsEntry(tied.version("5"), 0);
            IdentifyResult likely = verifier.identify(tied.head());
            assertThat(likely.match()).contains(tied.head());
            assertThat(likely.distances()).containsOnlyKeys(tied.head());
            assertThatThrownBy(() -> verifier.identify(SET.head())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not of the set");
        } finally {
            PostgresProvider.shared().dropDatabase(db);
        }
    }

    @Test
    @DisplayName("the tenancy rules find the fixture's three tenant tables and no broken rule at its head")
    void tenancyAtHead() {
        TenancyResult r = verifier().checkTenancy(null);
        assertThat(r.tenantTables()).containsExactlyElementsOf(TENANT_TABLES);
        assertThat(r.errors()).isEmpty();
        assertThat(r.findings()).as("the fixture's single-column foreign keys, which its head ships itself")
                .allMatch(Finding::knownInVersion).extracting(Finding::object)
                .containsExactlyInAnyOrder("entries.entries_account_id_fkey", "notes.notes_account_id_fkey");
    }

    @Test
    @DisplayName("the tenancy rules at 003 (tenant_id, no row-level security) name every table's missing RLS and policies")
    void tenancyBeforeRowLevelSecurity() {
        Database old = PostgresProvider.shared().createDatabase("fixture_verbs_003");
        try {
            TestDatabases.migrate(old, SET.version("3"));
            TenancyResult r = Verifier.on(old.dataSource(), SET).checkTenancy(null);
            assertThat(r.tenantTables()).containsExactlyElementsOf(TENANT_TABLES);
            assertThat(r.errors()).extracting(Finding::objectType, Finding::object)
                    .contains(tuple(Finding.ROW_SECURITY, "accounts"), tuple(Finding.ROW_SECURITY, "entries"),
                            tuple(Finding.ROW_SECURITY, "notes"), tuple(Finding.POLICY, "notes.DELETE"));
        } finally {
            PostgresProvider.shared().dropDatabase(old);
        }
    }

    @Test
    @DisplayName("the probe covers exactly the fixture's tenant tables, 15 checks each, all passing, and leaves nothing behind")
    void probe() {
        long tenantsBefore = TestDatabases.count(DB, "SELECT count(*) FROM tenants");
        ProbeResult r = verifier().probe();
        assertThat(r.failures()).isEmpty();
        assertThat(r.checks()).hasSize(45);
        assertThat(r.checks()).extracting(ProbeCheck::table).containsOnly(
                TENANT_TABLES.toArray(String[]::new));
        assertThat(TestDatabases.count(DB, "SELECT count(*) FROM tenants")).isEqualTo(tenantsBefore);
        assertThat(TestDatabases.count(DB, "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'alphapulse_probe_%'"))
                .isZero();
    }

    @Test
    @DisplayName("a weakened policy on the fixture's notes fails notes' checks only")
    void probeFindsWeakPolicy() {
        TestDatabases.execute(DB, "ALTER POLICY tenant_isolation_notes ON notes USING (true)");
        try {
            ProbeResult r = verifier().probe();
            assertThat(r.passed()).isFalse();
            assertThat(r.failures()).isNotEmpty().extracting(ProbeCheck::table).containsOnly("notes");
        } finally {
            TestDatabases.execute(DB, "ALTER POLICY tenant_isolation_notes ON notes "
                    + "USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid)");
        }
    }

    @Test
    @DisplayName("a tenant table no migration of the set knows is probed and filled with no change to the code")
    void newTenantTableIsProbed() {
        TestDatabases.execute(DB, """
                CREATE TYPE label_colour AS ENUM ('red', 'green');
                CREATE TABLE labels (
                    id         bigserial PRIMARY KEY,
                    tenant_id  uuid NOT NULL REFERENCES tenants (id),
                    note_id    bigint NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
                    colour     label_colour NOT NULL,
                    code       varchar(6) NOT NULL,
                    CONSTRAINT uq_labels_code UNIQUE (tenant_id, code)
                );
                CREATE INDEX idx_labels_tenant ON labels (tenant_id);
                ALTER TABLE labels ENABLE ROW LEVEL SECURITY;
                ALTER TABLE labels FORCE ROW LEVEL SECURITY;
                CREATE POLICY tenant_isolation_labels ON labels
                    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid)
                    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
                """);
        try {
            ProbeResult r = verifier().probe();
            assertThat(r.failures()).isEmpty();
            assertThat(r.checks()).hasSize(60).extracting(ProbeCheck::table).contains("labels");

            FillResult f = verifier().fill(FillOptions.of(2, 30).withSeed(77));
            assertThat(f.rows()).containsEntry("labels", 60L);
            assertThat(List.copyOf(f.rows().keySet())).as("parents first")
                    .containsSubsequence("tenants", "accounts", "notes", "labels");
            assertThat(TestDatabases.count(DB, "SELECT count(*) FROM labels l JOIN notes n ON n.id = l.note_id "
                    + "WHERE n.tenant_id <> l.tenant_id")).as("labels pointing at another tenant's note").isZero();
        } finally {
            TestDatabases.execute(DB, "DROP TABLE labels; DROP TYPE label_colour");
        }
    }

    @Test
    @DisplayName("fill puts rows of every tenant in every fixture table, snapshot groups them by tenant, RLS overhead measures the largest")
    void fillSnapshotAndOverhead() {
        DataSnapshot before = verifier().snapshot();
        FillResult f = verifier().fill(FillOptions.of(3, 20).withRows("entries", 400).withSeed(5));
        assertThat(f.registry()).isEqualTo("tenants");
        assertThat(f.tenantIds()).hasSize(3).doesNotHaveDuplicates();
        assertThat(f.rows()).containsExactly(java.util.Map.entry("tenants", 3L), java.util.Map.entry("accounts", 60L),
                java.util.Map.entry("entries", 1200L), java.util.Map.entry("notes", 60L));
        assertThat(TestDatabases.count(DB, "SELECT count(DISTINCT tenant_id) FROM entries")).isGreaterThanOrEqualTo(3);
        assertThat(TestDatabases.count(DB, "SELECT count(*) FROM entries e JOIN accounts a ON a.id = e.account_id "
                + "WHERE a.tenant_id <> e.tenant_id")).as("entries of another tenant's account").isZero();

        DataSnapshot after = verifier().snapshot();
        CompareResult diff = Verifier.compare(before, after);
        assertThat(diff.identical()).isFalse();
        assertThat(after.tables()).filteredOn(t -> TENANT_TABLES.contains(t.table()))
                .allSatisfy(t -> assertThat(t.groupedByTenant()).isTrue());
        assertThat(after.tables()).filteredOn(t -> t.table().equals("entries")).singleElement()
                .satisfies(t -> assertThat(t.group(f.tenantIds().get(0).toString()).rows()).isEqualTo(400));

        RlsOverheadResult r = verifier().measureRlsOverhead(3);
        assertThat(r.table()).isEqualTo("entries");
        assertThat(r.tenantRows()).isEqualTo(400);
        assertThat(r.queries()).extracting(QueryOverhead::name).contains("count entries", "entries by primary key");

        assertThatThrownBy(() -> verifier().fill(FillOptions.of(3, 1).withSeed(5)))
                .isInstanceOfSatisfying(VerificationException.class,
                        e -> assertThat(e.code()).isEqualTo(VerificationException.Code.PRECONDITION_FAILED))
                .hasMessageContaining("seed 5");
    }
}
