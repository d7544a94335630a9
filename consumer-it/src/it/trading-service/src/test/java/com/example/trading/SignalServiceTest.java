package com.example.trading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alphapulse.tenant.TenantException;
import com.alphapulse.tenant.TenantId;
import com.alphapulse.tenant.jdbc.TenantDataSource;
import com.alphapulse.tenant.jdbc.TenantScope;
import com.alphapulse.tenant.testing.TenantTestDatabase;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The service as its team tests it: tenant-model-test's database at head, the application role it provisions,
 * HikariCP with ONE connection and a 250 ms checkout timeout (a scope that took a second connection would fail
 * here, not pass slowly). The outer write registers a tenant (tenants has no row-level security); the scoped write
 * is that tenant's first signal, so the two commit or roll back together or the test shows which one leaked.
 */
class SignalServiceTest {

    // README:test:begin
    @RegisterExtension   // a database at head, the app role with its grants, tenants a, b, c seeded
    static final TenantTestDatabase DB = TenantTestDatabase.atHead();

    HikariDataSource pool;

    @BeforeEach
    void pool() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(DB.jdbcUrl());       // embedded PostgreSQL, or ALPHAPULSE_PG_URL's server
        config.setUsername(DB.appRole());      // neither owner nor BYPASSRLS: row-level security applies
        config.setPassword(DB.appPassword());
        config.setMaximumPoolSize(1);
        config.setConnectionTimeout(250);
        pool = new HikariDataSource(config);
    }
    // README:test:end

    @AfterEach
    void close() {
        assertThat(pool.getHikariPoolMXBean().getActiveConnections()).as("connections left checked out").isZero();
        pool.close();
    }

    @Test
    void spring_a_scoped_write_in_a_rolled_back_transaction_leaves_nothing_and_in_a_committed_one_keeps_both() {
        JdbcTemplate jdbc = new JdbcTemplate(pool);
        TenantId rolledBack = TenantId.of(UUID.randomUUID());
        TenantId committed = TenantId.of(UUID.randomUUID());
        new TransactionTemplate(new DataSourceTransactionManager(pool)).executeWithoutResult(status -> {
            register(jdbc, rolledBack);
            new SignalService(pool).record(rolledBack, "BTC-USD");
            status.setRollbackOnly();
        });
        assertThat(registered(rolledBack)).isFalse();
        assertThat(DB.adminCount("agent_signals", rolledBack.value())).isZero();

        // README:spring:begin
        TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(pool));
        SignalService signals = new SignalService(pool);   // its scopes join Spring's transaction
        transactions.executeWithoutResult(status -> {
            register(jdbc, committed);                     // the transaction's own write
            signals.record(committed, "BTC-USD");          // TenantScope.run(pool, tenant, ...) inside
        });                                                // one commit for both, or one rollback
        // README:spring:end
        assertThat(registered(committed)).isTrue();
        assertThat(DB.adminCount("agent_signals", committed.value())).isEqualTo(1);
        assertThat(signals.count(committed)).as("seen as that tenant only").isEqualTo(1);
    }

    @Test
    void plain_jdbc_a_scoped_write_in_a_rolled_back_transaction_leaves_nothing_and_in_a_committed_one_keeps_both()
            throws SQLException {
        TenantId rolledBack = TenantId.of(UUID.randomUUID());
        // README:jdbc:begin
        TenantDataSource tenantAware = TenantDataSource.wrap(pool, Optional::empty);
        SignalService signals = new SignalService(tenantAware);
        try (Connection c = tenantAware.getConnection()) {
            c.setAutoCommit(false);
            register(c, rolledBack);                  // the transaction's own write
            signals.record(rolledBack, "ETH-USD");    // joins c's transaction: no second connection
            c.rollback();                             // takes the scoped write with it
        }
        // README:jdbc:end
        assertThat(registered(rolledBack)).isFalse();
        assertThat(DB.adminCount("agent_signals", rolledBack.value())).isZero();

        TenantId committed = TenantId.of(UUID.randomUUID());
        try (Connection c = pool.getConnection()) {     // the pool itself: the Connection overload joins
            c.setAutoCommit(false);
            register(c, committed);
            TenantScope.run(c, committed, scoped -> insertSignal(scoped, "ETH-USD"));
            c.commit();
            c.setAutoCommit(true);
        }
        assertThat(registered(committed)).isTrue();
        assertThat(DB.adminCount("agent_signals", committed.value())).isEqualTo(1);
    }

    @Test
    void a_pool_of_one_never_deadlocks_or_exhausts_across_many_scoped_transactions() throws SQLException {
        TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(pool));
        TenantDataSource tenantAware = TenantDataSource.wrap(pool, Optional::empty);
        JdbcTemplate jdbc = new JdbcTemplate(pool);
        TenantId tenant = TenantId.of(DB.tenant("a"));
        int before = DB.adminCount("agent_signals", tenant.value());
        for (int i = 0; i < 25; i++) {
            boolean rollBack = i % 2 == 1;
            transactions.executeWithoutResult(status -> {
                new SignalService(pool).record(tenant, "SOL-USD");
                new SignalService(pool).count(tenant);
                if (rollBack) {
                    status.setRollbackOnly();
                }
            });
            try (Connection c = tenantAware.getConnection()) {
                c.setAutoCommit(false);
                new SignalService(tenantAware).record(tenant, "SOL-USD");
                if (rollBack) {
                    c.rollback();
                } else {
                    c.commit();
                }
                c.setAutoCommit(true);
            }
        }
        assertThat(DB.adminCount("agent_signals", tenant.value())).as("13 committed of each kind")
                .isEqualTo(before + 26);
        assertThat(jdbc.queryForObject("SELECT current_setting('app.current_tenant_id', true)", String.class))
                .as("the pooled connection after it all carries no tenant").isIn(null, "");
        assertThat(pool.getHikariPoolMXBean().getThreadsAwaitingConnection()).isZero();
    }

    @Test
    void inside_a_spring_transaction_a_scope_on_another_pool_is_refused_instead_of_committing_on_its_own() {
        TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(pool));
        TenantId tenant = TenantId.of(UUID.randomUUID());
        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> {
            register(new JdbcTemplate(pool), tenant);
            new SignalService(DB.appDataSource()).record(tenant, "BTC-USD");
        })).isInstanceOfSatisfying(TenantException.class,
                e -> assertThat(e.code()).isEqualTo(TenantException.Code.OUTER_TRANSACTION));
        assertThat(registered(tenant)).isFalse();
    }

    private static void register(JdbcTemplate jdbc, TenantId tenant) {
        jdbc.update("INSERT INTO tenants (id, name, slug, subscription_tier) VALUES (?, 'Example', ?, 'pro')",
                tenant.value(), "ex-" + tenant);
    }

    private static void register(Connection c, TenantId tenant) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO tenants (id, name, slug, subscription_tier) VALUES (?, 'Example', ?, 'pro')")) {
            ps.setObject(1, tenant.value());
            ps.setString(2, "ex-" + tenant);
            ps.executeUpdate();
        }
    }

    private static void insertSignal(Connection c, String symbol) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO agent_signals (agent_type, symbol, signal,"
                + " confidence) VALUES ('momentum', ?, 'buy', 0.9)")) {
            ps.setString(1, symbol);
            ps.executeUpdate();
        }
    }

    private static boolean registered(TenantId tenant) {
        try (Connection c = DB.ownerDataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM tenants WHERE id = ?")) {
            ps.setObject(1, tenant.value());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
