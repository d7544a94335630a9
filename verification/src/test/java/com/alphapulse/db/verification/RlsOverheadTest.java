package com.alphapulse.db.verification;

import com.alphapulse.db.testing.TestDatabases;
import com.alphapulse.db.testing.AlphaPulseRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The seed's emergency scenario 1 ("queries >10x slower after 008"): prints what row-level security costs on
 * 3 tenants x 20,000 trades. The figures are printed, never asserted; the test asserts what was measured.
 */
class RlsOverheadTest {

    static final Database DB = PostgresProvider.shared().createDatabase("rls_overhead");

    @BeforeAll
    static void load() {
        TestDatabases.migrate(DB, AlphaPulseSchema.migrations().head());
        AlphaPulseRows.load(DB, 3, 20_000);
    }

    @AfterAll
    static void drop() {
        PostgresProvider.shared().dropDatabase(DB);
    }

    @Test
    @DisplayName("measures four tenant-scoped queries under RLS and without, and the plans use the composite indexes")
    void measure() {
        RlsOverheadResult r = Verifier.on(DB.dataSource()).measureRlsOverhead(200);

        System.out.printf(Locale.ROOT, "%nRLS overhead, tenant %s (%d of %d trades), %d runs per query and side%n",
                r.tenant(), r.tenantRows(), r.totalRows(), r.iterations());
        System.out.printf(Locale.ROOT, "%-30s %12s %12s %12s %12s %9s  %s%n", "query", "rls median", "rls p95",
                "owner median", "owner p95", "overhead", "indexes under RLS / owner");
        for (QueryOverhead q : r.queries()) {
            System.out.printf(Locale.ROOT, "%-30s %10.3fms %10.3fms %10.3fms %10.3fms %8.2fx  %s / %s%n", q.name(),
                    ms(q.rlsMedian()), ms(q.rlsP95()), ms(q.ownerMedian()), ms(q.ownerP95()), q.overhead(),
                    q.rlsIndexes(), q.ownerIndexes());
        }
        System.out.println("plan of 'latest trades' under RLS:\n" + r.queries().get(0).rlsPlan());

        assertThat(r.tenant()).isIn(AlphaPulseRows.tenant(1), AlphaPulseRows.tenant(2), AlphaPulseRows.tenant(3));
        assertThat(r.table()).as("the largest tenant table").isEqualTo("trades");
        assertThat(r.tenantRows()).isEqualTo(20_000);
        assertThat(r.totalRows()).isEqualTo(60_000);
        assertThat(r.queries()).extracting(QueryOverhead::name).containsExactly("latest trades by created_at",
                "count trades", "trades by primary key", "latest positions by opened_at");
        QueryOverhead latest = r.queries().get(0);
        // 011: the policy's (SELECT alphapulse_current_tenant()) is an initplan, evaluated once, and the index is keyed on its value
        assertThat(latest.rlsPlan()).contains("InitPlan").contains("Index Cond: (tenant_id = ");
        assertThat(latest.rlsIndexes()).containsExactly("idx_trades_tenant_created_compound");
        assertThat(latest.ownerIndexes()).containsExactly("idx_trades_tenant_created_compound");
        assertThat(latest.rlsUsesCompositeIndex()).isTrue();
        assertThat(r.queries().get(3).rlsUsesCompositeIndex()).as("positions by opened_at").isTrue();
        assertThat(TestDatabases.count(DB, "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'alphapulse_rls_%'"))
                .as("temporary role removed").isZero();
    }

    @Test
    @DisplayName("with no rows there is nothing to measure: PRECONDITION_FAILED, no role left, row_security back on in the pooled session")
    void noData() throws SQLException {
        Database empty = PostgresProvider.shared().createDatabase("rls_overhead_empty");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(empty.jdbcUrl());
        config.setUsername(empty.adminUser());
        config.setPassword(empty.adminPassword());
        // One physical session: the one the failed measurement used is the one looked at afterwards.
        config.setMaximumPoolSize(1);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            TestDatabases.migrate(empty, AlphaPulseSchema.migrations().head());
            assertThatThrownBy(() -> Verifier.on(pool).measureRlsOverhead(5))
                    .isInstanceOfSatisfying(VerificationException.class,
                            e -> assertThat(e.code()).isEqualTo(VerificationException.Code.PRECONDITION_FAILED))
                    .hasMessageContaining("no rows");
            try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT current_setting('row_security'), "
                            + "(SELECT count(*) FROM pg_roles WHERE rolname LIKE 'alphapulse_rls_%')")) {
                rs.next();
                assertThat(rs.getString(1)).as("row_security of the pooled session").isEqualTo("on");
                assertThat(rs.getLong(2)).as("temporary roles left").isZero();
            }
        } finally {
            PostgresProvider.shared().dropDatabase(empty);
        }
    }

    @Test
    @DisplayName("fewer than one iteration is refused with the module's own exception, PRECONDITION_FAILED")
    void noIterations() {
        assertThatThrownBy(() -> Verifier.on(DB.dataSource()).measureRlsOverhead(0))
                .isInstanceOfSatisfying(VerificationException.class,
                        e -> assertThat(e.code()).isEqualTo(VerificationException.Code.PRECONDITION_FAILED))
                .hasMessageContaining("iterations");
    }

    private static double ms(Duration d) {
        return d.toNanos() / 1_000_000.0;
    }
}
