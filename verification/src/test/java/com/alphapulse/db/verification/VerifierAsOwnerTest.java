package com.alphapulse.db.verification;

import com.alphapulse.db.testing.RecordingDataSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alphapulse.db.migrations.MigrationFlyway;
import com.alphapulse.db.migrations.RowSecurity;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.testing.AlphaPulseRows;
import com.alphapulse.db.testing.OwnerDatabase;
import com.alphapulse.db.testing.TestDatabases;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The verbs as the production migration role: the owner of the database and its tables, neither superuser nor
 * BYPASSRLS nor CREATEROLE, which FORCE ROW LEVEL SECURITY filters like anyone else. Provisioned as a superuser
 * would once: rls_bypass_role and alphapulse_probe granted to it. A superuser test proves nothing here.
 */
class VerifierAsOwnerTest {

    static final OwnerDatabase OWNER = OwnerDatabase.create("verify_owner");
    static final int TENANTS = 2;
    static final int TRADES = 300;

    @BeforeAll
    static void migrate() {
        provision(OWNER);
        MigrationFlyway.migrate(AlphaPulseSchema.migrations(), OWNER.dataSource(),
                AlphaPulseSchema.migrations().head().version());
        AlphaPulseRows.load(OWNER.db(), TENANTS, TRADES);
    }

    /** What provision does, as the server's superuser: both roles (cluster-wide, so they may exist), both granted. */
    static void provision(OwnerDatabase owner) {
        owner.asAdmin("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rls_bypass_role') THEN "
                + "CREATE ROLE rls_bypass_role NOLOGIN BYPASSRLS; END IF; "
                + "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'alphapulse_probe') THEN "
                + "CREATE ROLE alphapulse_probe NOLOGIN NOINHERIT NOBYPASSRLS; END IF; END $$");
        owner.asAdmin("GRANT rls_bypass_role, alphapulse_probe TO " + owner.role());
    }

    @AfterAll
    static void drop() {
        PostgresProvider.shared().dropDatabase(OWNER.db());
    }

    private static Map<String, Long> rowCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("tenants", TestDatabases.count(OWNER.db(), "SELECT count(*) FROM tenants"));
        for (String t : AlphaPulseSchema.TENANT_TABLES) {
            counts.put(t, TestDatabases.count(OWNER.db(), "SELECT count(*) FROM " + t));
        }
        return counts;
    }

    /** Grants anyone holds on anything of schema public, and the schema's own: a probe must leave them as they were. */
    private static long probeGrants() {
        return TestDatabases.count(OWNER.db(), "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = "
                + "c.relnamespace WHERE n.nspname = 'public' AND c.relacl::text LIKE '%alphapulse_probe%'")
                + TestDatabases.count(OWNER.db(), "SELECT count(*) FROM pg_namespace WHERE nspname = 'public' "
                        + "AND nspacl::text LIKE '%alphapulse_probe%'");
    }

    @Test
    @DisplayName("the owner's probe runs as the provisioned alphapulse_probe, passes all 120 checks with the tenant never set first, and leaves no grant, tenant or row")
    void probePassesAsOwner() {
        Map<String, Long> before = rowCounts();
        RecordingDataSource recorded = new RecordingDataSource(OWNER.dataSource());

        ProbeResult r = Verifier.on(recorded).probe();

        assertThat(r.failures()).isEmpty();
        assertThat(r.checks()).hasSize(120);
        assertThat(r.provisionedRole()).isTrue();
        assertThat(r.role()).isEqualTo(Verifier.PROBE_ROLE);
        assertThat(r.neverSetTenant()).as("rows written as rls_bypass_role, no tenant set before the first checks")
                .isTrue();
        assertThat(rowCounts()).isEqualTo(before);
        assertThat(probeGrants()).as("grants to the probe role left").isZero();
        // Comments stripped: the catalog queries explain themselves with words like "CREATE ROLE".
        assertThat(recorded.statements()).as("statements the probe sent").isNotEmpty()
                .map(sql -> sql.replaceAll("--[^\\n]*", "").toUpperCase(Locale.ROOT))
                .noneMatch(sql -> sql.matches("(?s).*PASSWORD\\s*'.*"))
                .noneMatch(sql -> sql.matches("(?s).*\\b(CREATE|ALTER) (ROLE|USER)\\b.*"))
                .anyMatch(sql -> sql.contains("SET LOCAL ROLE \"ALPHAPULSE_PROBE\""));
    }

    @Test
    @DisplayName("when rls_bypass_role may not insert into a tenant table, the owner writes the probe's rows with each tenant in scope instead: all checks still pass, the first no-tenant ones with the setting emptied")
    void probeFallsBackToTenantScope() {
        OWNER.asAdmin("REVOKE INSERT ON agent_signals FROM rls_bypass_role");
        try {
            ProbeResult r = Verifier.on(OWNER.dataSource()).probe();

            assertThat(r.failures()).isEmpty();
            assertThat(r.neverSetTenant()).as("the fixture's own scope was set in this session").isFalse();
            assertThat(r.checks()).filteredOn(c -> c.scenario().equals(ProbeCheck.NO_TENANT_SEES_NOTHING))
                    .allSatisfy(c -> assertThat(c.detail()).contains("already seen the setting"));
        } finally {
            OWNER.asAdmin("GRANT INSERT ON agent_signals TO rls_bypass_role");
        }
        assertThat(probeGrants()).isZero();
    }

    @Test
    @DisplayName("an owner not granted alphapulse_probe (and unable to create roles) is refused with INSUFFICIENT_PRIVILEGE naming the grant")
    void probeRefusedWithoutProvision() {
        OWNER.asAdmin("REVOKE alphapulse_probe FROM " + OWNER.role());
        try {
            assertThatThrownBy(() -> Verifier.on(OWNER.dataSource()).probe())
                    .isInstanceOfSatisfying(VerificationException.class,
                            e -> assertThat(e.code()).isEqualTo(VerificationException.Code.INSUFFICIENT_PRIVILEGE))
                    .hasMessageContaining("GRANT alphapulse_probe TO " + OWNER.role())
                    .hasMessageNotContaining("PASSWORD");
        } finally {
            OWNER.asAdmin("GRANT alphapulse_probe TO " + OWNER.role());
        }
        assertThat(probeGrants()).isZero();
    }

    @Test
    @DisplayName("an owner with CREATEROLE creates its own NOLOGIN role inside the transaction (granting itself SET on it), passes, and the role is gone afterwards")
    void probeAsCreateRoleOwner() {
        OWNER.asAdmin("ALTER ROLE " + OWNER.role() + " CREATEROLE");
        try {
            ProbeResult r = Verifier.on(OWNER.dataSource()).probe();

            assertThat(r.failures()).isEmpty();
            assertThat(r.provisionedRole()).isFalse();
            assertThat(r.role()).startsWith("alphapulse_probe_");
            assertThat(TestDatabases.count(OWNER.db(), "SELECT count(*) FROM pg_roles WHERE rolname = '" + r.role() + "'"))
                    .as("the temporary role, rolled back with the probe").isZero();
        } finally {
            OWNER.asAdmin("ALTER ROLE " + OWNER.role() + " NOCREATEROLE");
        }
        assertThat(probeGrants()).isZero();
    }

    @Test
    @DisplayName("verify --data as the owner finds a cross-tenant trade, which FORCE ROW LEVEL SECURITY would hide from it without rls_bypass_role")
    void crossTenantRowsAsOwner() {
        // 010's keys refuse such a row: it is written the way damage gets in, with the keys' triggers off.
        long id = replica("INSERT INTO trades (tenant_id, trade_id, account_id, symbol, side, "
                + "trade_type, quantity, price, fee, gross_value, net_value, executed_at) SELECT '" + AlphaPulseRows.tenant(2)
                + "', 'owner-cross-1', account_id, symbol, side, trade_type, quantity, price, fee, gross_value, "
                + "net_value, executed_at FROM trades WHERE tenant_id = '" + AlphaPulseRows.tenant(1) + "' LIMIT 1 RETURNING id");
        try {
            VerifyResult r = Verifier.on(OWNER.dataSource()).verifyData(AlphaPulseSchema.migrations().head());

            assertThat(r.errors()).singleElement().satisfies(f -> {
                assertThat(f.objectType()).isEqualTo(Finding.ROWS);
                assertThat(f.object()).isEqualTo("trades.fk_trades_trading_accounts_tenant");
                assertThat(f.actual()).isEqualTo("1 cross-tenant rows");
                assertThat(f.message()).contains("id of the first: " + id);
            });
        } finally {
            OWNER.asAdmin("DELETE FROM trades WHERE id = " + id);
        }
    }

    @Test
    @DisplayName("rls-overhead as the owner measures the application side as alphapulse_probe and the baseline as rls_bypass_role, and leaves no grant")
    void rlsOverheadAsOwner() {
        RlsOverheadResult r = Verifier.on(OWNER.dataSource()).measureRlsOverhead(3);

        assertThat(r.table()).isEqualTo("trades");
        assertThat(r.tenantRows()).as("the busiest tenant's trades, read across tenants").isEqualTo(TRADES);
        assertThat(r.totalRows()).as("every tenant's trades, as the superuser counts them")
                .isEqualTo(TestDatabases.count(OWNER.db(), "SELECT count(*) FROM trades"));
        assertThat(r.queries()).isNotEmpty();
        // 011: the tenant is read once per statement, through an initplan
        assertThat(r.queries().get(0).rlsPlan()).contains("InitPlan").contains("tenant_id = (InitPlan");
        assertThat(probeGrants()).isZero();
    }

    @Test
    @DisplayName("a snapshot as the owner sees every tenant's rows: the same as the superuser's; without rls_bypass_role it refuses with INSUFFICIENT_PRIVILEGE instead of a partial snapshot")
    void snapshotAsOwner() {
        DataSnapshot asOwner = Verifier.on(OWNER.dataSource()).snapshot();
        DataSnapshot asAdmin = Verifier.on(OWNER.db().dataSource()).snapshot();

        assertThat(Verifier.compare(asAdmin, asOwner).differences()).isEmpty();
        assertThat(asOwner.table("trades").orElseThrow().groups()).as("trades per tenant")
                .hasSize((int) TestDatabases.count(OWNER.db(), "SELECT count(DISTINCT tenant_id) FROM trades"))
                .hasSizeGreaterThanOrEqualTo(TENANTS);

        OWNER.asAdmin("REVOKE rls_bypass_role FROM " + OWNER.role());
        try {
            assertThatThrownBy(() -> Verifier.on(OWNER.dataSource()).snapshot())
                    .isInstanceOfSatisfying(VerificationException.class,
                            e -> assertThat(e.code()).isEqualTo(VerificationException.Code.INSUFFICIENT_PRIVILEGE))
                    .hasMessageContaining("GRANT " + RowSecurity.BYPASS_ROLE + " TO " + OWNER.role());
        } finally {
            OWNER.asAdmin("GRANT rls_bypass_role TO " + OWNER.role());
        }
    }

    @Test
    @DisplayName("fill as the owner writes each tenant's rows in its own scope: every row lands, in the right tenant")
    void fillAsOwner() {
        FillResult r = Verifier.on(OWNER.dataSource()).fill(FillOptions.of(2, 5).withSeed(7_001));

        assertThat(r.tenantIds()).hasSize(2);
        for (String t : AlphaPulseSchema.TENANT_TABLES) {
            assertThat(r.rows()).containsEntry(t, 10L);
            assertThat(TestDatabases.count(OWNER.db(), "SELECT count(*) FROM " + t + " WHERE tenant_id IN ('"
                    + r.tenantIds().get(0) + "', '" + r.tenantIds().get(1) + "')")).as(t).isEqualTo(10);
        }
    }

    /** Runs {@code sql} (returning one number) as the superuser with foreign-key triggers off. */
    private static long replica(String sql) {
        try (java.sql.Connection c = OWNER.db().connect(); java.sql.Statement st = c.createStatement()) {
            st.execute("SET session_replication_role = replica");
            try (java.sql.ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
