package com.alphapulse.db.verification;

import com.alphapulse.db.testing.TestDatabases;
import com.alphapulse.db.testing.AlphaPulseRows;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The probe and the RLS measurement through a connection pool on a database no other role may log in to
 * (CONNECT revoked from PUBLIC): both work on a pooled administrative connection switched with SET LOCAL ROLE
 * in a rolled-back transaction, and those connections must go back to the pool exactly as they came.
 */
class VerifierPooledDataSourceTest {

    static final Database DB = PostgresProvider.shared().createDatabase("verify_pooled");
    static final int POOL_SIZE = 3;

    private HikariDataSource pool;

    @BeforeAll
    static void migrate() {
        TestDatabases.migrate(DB, AlphaPulseSchema.migrations().head());
        AlphaPulseRows.load(DB, 2, 200);
        // Only this database: roles without an explicit CONNECT grant cannot log in, superusers still can.
        TestDatabases.execute(DB, "REVOKE CONNECT ON DATABASE \"" + DB.name() + "\" FROM PUBLIC");
    }

    @AfterAll
    static void drop() {
        PostgresProvider.shared().dropDatabase(DB);
    }

    @BeforeEach
    void openPool() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(DB.jdbcUrl());
        config.setUsername(DB.adminUser());
        config.setPassword(DB.adminPassword());
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(POOL_SIZE);
        config.setPoolName("verify-pooled");
        pool = new HikariDataSource(config);
    }

    @AfterEach
    void closePool() {
        pool.close();
    }

    /** What one pooled session carries: user, tenant setting, statement_timeout, row_security. */
    private record SessionState(String user, String tenant, String statementTimeout, String rowSecurity) {}

    /** Borrows every connection of the pool at once, so each physical session is looked at. */
    private List<SessionState> everyPooledSession() throws SQLException {
        List<Connection> held = new ArrayList<>();
        try {
            List<SessionState> states = new ArrayList<>();
            for (int i = 0; i < POOL_SIZE; i++) {
                Connection c = pool.getConnection();
                held.add(c);
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user, "
                        + "coalesce(current_setting('app.current_tenant_id', true), ''), "
                        + "current_setting('statement_timeout'), current_setting('row_security')")) {
                    rs.next();
                    states.add(new SessionState(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
            return states;
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }

    private static SessionState clean() {
        return new SessionState(DB.adminUser(), "", "0", "on");
    }

    @Test
    @DisplayName("the probe through a pool (no login possible for any other role) passes and returns every pooled session as it came: admin user, no tenant, no statement_timeout")
    void probeReturnsCleanSessions() throws SQLException {
        ProbeResult r = Verifier.on(pool).probe();

        assertThat(r.neverSetTenant()).as("the pooled sessions had never set the tenant").isTrue();
        assertThat(r.failures()).isEmpty();
        assertThat(pool.getHikariPoolMXBean().getActiveConnections()).as("connections still borrowed").isZero();
        assertThat(everyPooledSession()).containsOnly(clean());
        assertThat(TestDatabases.count(DB, "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'alphapulse_probe_%'"))
                .as("temporary probe roles left").isZero();
    }

    @Test
    @DisplayName("a pooled session left with a tenant by the application does not leak that tenant into the probe's no-tenant checks")
    void staleTenantDoesNotReachNoTenantSession() throws SQLException {
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < POOL_SIZE; i++) {
                Connection c = pool.getConnection();
                held.add(c);
                try (Statement s = c.createStatement()) {
                    s.execute("SET app.current_tenant_id = '" + AlphaPulseRows.tenant(1) + "'");
                }
            }
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }

        ProbeResult r = Verifier.on(pool).probe();

        assertThat(r.neverSetTenant()).as("the stale session had seen the setting").isFalse();
        assertThat(r.failures()).as("checks failed with a stale tenant in the pool").isEmpty();
    }

    @Test
    @DisplayName("measuring the RLS overhead through a pool returns every pooled session reset, row_security back on")
    void rlsOverheadReturnsCleanSessions() throws SQLException {
        RlsOverheadResult r = Verifier.on(pool).measureRlsOverhead(3);

        assertThat(r.tenantRows()).isEqualTo(200);
        assertThat(pool.getHikariPoolMXBean().getActiveConnections()).as("connections still borrowed").isZero();
        assertThat(everyPooledSession()).containsOnly(clean());
        assertThat(TestDatabases.count(DB, "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'alphapulse_rls_%'"))
                .as("temporary role removed").isZero();
    }
}
