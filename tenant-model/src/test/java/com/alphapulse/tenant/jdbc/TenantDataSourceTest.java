package com.alphapulse.tenant.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alphapulse.db.schema.head.Tables;
import com.alphapulse.tenant.TenantException;
import com.alphapulse.tenant.TenantId;
import com.alphapulse.tenant.testing.TenantTestDatabase;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Plain JDBC on HikariCP, as a service without a framework writes it: the caller's transaction on a connection
 * of a {@link TenantDataSource}, scopes that join it, and the tenant set on every transaction a framework starts.
 * Every pool here has one connection and a 250 ms checkout timeout, so a scope that took a second connection
 * would fail instead of passing.
 */
class TenantDataSourceTest {

    private static final TenantId A = TenantId.of(TenantTestDatabase.A);
    private static final TenantId B = TenantId.of(TenantTestDatabase.B);

    static TenantTestDatabase db;
    static HikariDataSource pool;

    @BeforeAll
    static void setUp() {
        db = TenantTestDatabase.atHead().start();
        HikariConfig config = new HikariConfig();
        config.setDataSource(db.appDataSource());
        config.setMaximumPoolSize(1);
        config.setConnectionTimeout(250);
        pool = new HikariDataSource(config);
    }

    @AfterAll
    static void tearDown() {
        pool.close();
        db.close();
    }

    @Test
    void a_scope_joins_the_transaction_the_caller_holds_on_a_pool_of_one_and_its_rollback_or_commit_covers_both_writes()
            throws SQLException {
        TenantDataSource tenantAware = TenantDataSource.wrap(pool, Optional::empty);
        int before = db.adminCount("agent_signals", A.value());

        String rolledBack = slug();
        try (Connection c = tenantAware.getConnection()) {
            c.setAutoCommit(false);
            outerWrite(c, rolledBack);
            TenantScope.run(tenantAware, A, scoped -> {
                assertThat(scoped).as("the caller's connection, not a second one").isSameAs(c);
                TenantScopeTest.insertRow(scoped, "agent_signals", A);
            });
            assertThat(Rows.setting(c)).as("the tenant ends with the scope").isEmpty();
            c.rollback();
        }
        assertThat(tenantExists(rolledBack)).isFalse();
        assertThat(db.adminCount("agent_signals", A.value())).as("scoped write rolled back with the caller").isEqualTo(before);

        String committed = slug();
        try (Connection c = tenantAware.getConnection()) {
            c.setAutoCommit(false);
            outerWrite(c, committed);
            TenantScope.run(tenantAware, A, scoped -> TenantScopeTest.insertRow(scoped, "agent_signals", A));
            c.commit();
            c.setAutoCommit(true);
        }
        assertThat(tenantExists(committed)).isTrue();
        assertThat(db.adminCount("agent_signals", A.value())).as("both writes committed").isEqualTo(before + 1);
    }

    @Test
    void a_jooq_scope_on_the_tenant_aware_data_source_joins_the_callers_transaction_and_its_own_transactions_are_savepoints()
            throws SQLException {
        TenantDataSource tenantAware = TenantDataSource.wrap(pool, Optional::empty);
        DSLContext dsl = DSL.using(tenantAware, SQLDialect.POSTGRES);
        int before = db.adminCount("agent_signals", B.value());
        String slug = slug();
        try (Connection c = tenantAware.getConnection()) {
            c.setAutoCommit(false);
            outerWrite(c, slug);
            int seen = TenantScope.call(dsl, B, tx -> {
                // A jOOQ transaction inside the lent one must not commit the caller's transaction.
                tx.transaction(nested -> TenantScopeTest.insertRow(nested.dsl(), "agent_signals", B));
                return tx.fetchCount(Tables.AGENT_SIGNALS);
            });
            assertThat(seen).isEqualTo(before + 1);
            c.rollback();
        }
        assertThat(tenantExists(slug)).isFalse();
        assertThat(db.adminCount("agent_signals", B.value())).isEqualTo(before);
    }

    @Test
    void a_nested_scope_that_would_need_a_second_connection_is_refused_and_writes_nothing() {
        int before = db.adminCount("agent_signals", A.value());
        assertThatThrownBy(() -> TenantScope.run(pool, A, outer -> {
            TenantScopeTest.insertRow(outer, "agent_signals", A);
            TenantScope.run(db.appDataSource(), A, inner -> TenantScopeTest.insertRow(inner, "agent_signals", A));
        })).isInstanceOfSatisfying(TenantException.class,
                e -> assertThat(e.code()).isEqualTo(TenantException.Code.OUTER_TRANSACTION));
        assertThat(db.adminCount("agent_signals", A.value())).as("the outer scope rolled back too").isEqualTo(before);
    }

    @Test
    void every_transaction_a_framework_starts_runs_as_the_suppliers_tenant_and_the_pool_gets_the_connection_back_clean()
            throws SQLException {
        AtomicReference<TenantId> current = new AtomicReference<>(A);
        TenantDataSource tenantAware = TenantDataSource.wrap(pool, () -> Optional.ofNullable(current.get()));

        try (Connection c = tenantAware.getConnection()) {
            c.setAutoCommit(false);
            assertThat(Rows.byTenant(c, "agent_signals")).containsOnlyKeys(A);
            c.commit();
            current.set(B);
            assertThat(Rows.byTenant(c, "agent_signals")).as("next transaction, next tenant").containsOnlyKeys(B);
            c.rollback();
            current.set(null);
            assertThat(Rows.outsideScope(c, "agent_signals")).as("no tenant, no rows").isEqualTo(Rows.NO_TENANT);
            c.rollback();

            current.set(A);
            c.setAutoCommit(true);
            assertThat(Rows.byTenant(c, "agent_signals")).as("auto-commit: each statement").containsOnlyKeys(A);
            try (Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE agent_signals SET confidence = confidence");
            }
        }
        try (Connection raw = pool.getConnection()) {
            assertThat(Rows.setting(raw)).as("the physical connection the pool got back").isIn(null, "");
        }
    }

    @Test
    void a_savepoint_rolled_back_keeps_the_tenant_of_the_transaction() throws SQLException {
        TenantDataSource tenantAware = TenantDataSource.wrap(pool, () -> Optional.of(B));
        try (Connection c = tenantAware.getConnection()) {
            c.setAutoCommit(false);
            var savepoint = c.setSavepoint();
            assertThat(Rows.byTenant(c, "agent_signals")).containsOnlyKeys(B);
            c.rollback(savepoint);
            assertThat(Rows.byTenant(c, "agent_signals")).containsOnlyKeys(B);
            c.rollback();
        }
    }

    @Test
    void a_connection_closed_on_another_thread_is_no_longer_joined_by_a_scope_on_the_thread_that_took_it()
            throws Exception {
        TenantDataSource tenantAware = TenantDataSource.wrap(pool, Optional::empty);
        Connection taken = tenantAware.getConnection();
        Thread closer = new Thread(() -> {
            try {
                taken.close();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        closer.start();
        closer.join();
        int before = db.adminCount("agent_signals", A.value());
        TenantScope.run(tenantAware, A, c -> {
            assertThat(c).as("a connection of its own, not the closed one").isNotSameAs(taken);
            TenantScopeTest.insertRow(c, "agent_signals", A);
        });
        assertThat(db.adminCount("agent_signals", A.value())).isEqualTo(before + 1);
    }

    @Test
    void commit_or_rollback_sent_as_sql_text_ends_the_transaction_and_the_next_one_gets_the_tenant_again()
            throws SQLException {
        TenantDataSource tenantAware = TenantDataSource.wrap(pool, () -> Optional.of(A));
        try (Connection c = tenantAware.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            assertThat(Rows.byTenant(c, "agent_signals")).containsOnlyKeys(A);
            st.execute("COMMIT");
            assertThat(Rows.byTenant(c, "agent_signals")).as("after COMMIT as text").containsOnlyKeys(A);
            st.execute("ROLLBACK");
            assertThat(Rows.byTenant(c, "agent_signals")).as("after ROLLBACK as text").containsOnlyKeys(A);
            c.rollback();
        }
    }

    @Test
    void a_tenant_aware_data_source_cannot_wrap_another_or_nothing() {
        TenantDataSource once = TenantDataSource.wrap(pool, Optional::empty);
        assertThatThrownBy(() -> TenantDataSource.wrap(once, Optional::empty))
                .isInstanceOfSatisfying(TenantException.class,
                        e -> assertThat(e.code()).isEqualTo(TenantException.Code.INVALID_ARGUMENT));
        assertThatThrownBy(() -> TenantDataSource.wrap(null, Optional::empty)).isInstanceOf(TenantException.class);
    }

    private static String slug() {
        return "tds-" + UUID.randomUUID();
    }

    private static void outerWrite(Connection c, String slug) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO tenants (name, slug, subscription_tier) VALUES ('outer write', ?, 'pro')")) {
            ps.setString(1, slug);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    static boolean tenantExists(String slug) {
        try (Connection c = db.ownerDataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM tenants WHERE slug = ?")) {
            ps.setString(1, slug);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

}
