package com.alphapulse.tenant.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alphapulse.db.schema.head.Tables;
import com.alphapulse.tenant.TenantException;
import com.alphapulse.tenant.TenantId;
import com.alphapulse.tenant.jdbc.TenantDataSource;
import com.alphapulse.tenant.jdbc.TenantScope;
import com.alphapulse.tenant.testing.TenantTestDatabase;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Spring's {@code DataSourceTransactionManager} (what {@code @Transactional} runs on) and {@code TransactionTemplate}
 * on HikariCP with one connection and a 250 ms checkout timeout, as the application role (no owner, no BYPASSRLS):
 * a scope inside the Spring transaction writes in it, so Spring's rollback or commit covers the scope's write too,
 * and it never needs a second connection.
 */
class SpringTransactionJoinTest {

    static final TenantId A = TenantId.of(TenantTestDatabase.A);
    static final TenantId B = TenantId.of(TenantTestDatabase.B);

    static TenantTestDatabase db;
    static HikariDataSource pool;
    static DataSourceTransactionManager manager;
    static TransactionTemplate template;

    @BeforeAll
    static void setUp() {
        db = TenantTestDatabase.atHead().start();
        pool = pool(1);
        manager = new DataSourceTransactionManager(pool);
        template = new TransactionTemplate(manager);
    }

    @AfterAll
    static void tearDown() {
        pool.close();
        db.close();
    }

    @Test
    void a_scope_inside_a_rolled_back_spring_transaction_leaves_nothing_and_inside_a_committed_one_keeps_both_writes() {
        for (DataSource given : List.of(pool, new TransactionAwareDataSourceProxy(pool))) {
            long before = signals(A);
            String rolledBack = slug();
            template.executeWithoutResult(status -> {
                outerWrite(rolledBack);
                TenantScope.run(given, A, c -> {
                    assertThat(c).as("Spring's connection").isSameAs(DataSourceUtils.getConnection(pool));
                    insertSignal(c, A);
                });
                status.setRollbackOnly();
            });
            assertThat(tenantExists(rolledBack)).as(given.getClass().getSimpleName()).isFalse();
            assertThat(signals(A)).as("scoped write rolled back by Spring").isEqualTo(before);

            String committed = slug();
            template.executeWithoutResult(status -> {
                outerWrite(committed);
                TenantScope.run(given, A, c -> insertSignal(c, A));
            });
            assertThat(tenantExists(committed)).isTrue();
            assertThat(signals(A)).as("scoped write committed by Spring").isEqualTo(before + 1);
        }
    }

    @Test
    void a_jooq_scope_on_a_transaction_aware_proxy_joins_the_spring_transaction_instead_of_committing_it() {
        var dsl = DSL.using(new TransactionAwareDataSourceProxy(pool), SQLDialect.POSTGRES);
        long before = signals(B);
        String slug = slug();
        template.executeWithoutResult(status -> {
            outerWrite(slug);
            TenantScope.run(dsl, B, tx -> tx.insertInto(Tables.AGENT_SIGNALS)
                    .set(Tables.AGENT_SIGNALS.AGENT_TYPE, "spring").set(Tables.AGENT_SIGNALS.SYMBOL, "N")
                    .set(Tables.AGENT_SIGNALS.SIGNAL, "buy").set(Tables.AGENT_SIGNALS.CONFIDENCE, 1.0)
                    .execute());
            status.setRollbackOnly();
        });
        assertThat(tenantExists(slug)).isFalse();
        assertThat(signals(B)).isEqualTo(before);
    }

    @Test
    void a_scope_on_a_data_source_the_spring_transaction_holds_no_connection_of_is_refused_and_writes_nothing() {
        long before = signals(A);
        String slug = slug();
        assertThatThrownBy(() -> template.executeWithoutResult(status -> {
            outerWrite(slug);
            TenantScope.run(db.appDataSource(), A, c -> insertSignal(c, A));
        })).isInstanceOfSatisfying(TenantException.class,
                e -> assertThat(e.code()).isEqualTo(TenantException.Code.OUTER_TRANSACTION));
        assertThat(tenantExists(slug)).as("Spring rolled back on the refusal").isFalse();
        assertThat(signals(A)).isEqualTo(before);
    }

    @Test
    void inside_a_scope_a_requires_new_transaction_gets_the_scope_of_its_own_connection_not_the_suspended_one() {
        // Two connections at once: REQUIRES_NEW holds the suspended transaction's and its own.
        try (HikariDataSource two = pool(2)) {
            TransactionTemplate outerTx = new TransactionTemplate(new DataSourceTransactionManager(two));
            TransactionTemplate requiresNew = new TransactionTemplate(outerTx.getTransactionManager());
            requiresNew.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
            long before = signals(A);
            outerTx.executeWithoutResult(outer -> {
                TenantScope.run(two, A, c -> {
                    insertSignal(c, A);
                    requiresNew.executeWithoutResult(inner -> TenantScope.run(two, A, ic -> {
                        assertThat(ic).as("the new transaction's connection").isNotSameAs(c);
                        insertSignal(ic, A);
                    }));
                });
                outer.setRollbackOnly();
            });
            assertThat(signals(A)).as("the REQUIRES_NEW write committed, the outer one rolled back")
                    .isEqualTo(before + 1);
        }
    }

    @Test
    void a_spring_transaction_that_holds_no_jdbc_connection_leaves_the_scope_to_its_own_transaction() {
        TransactionTemplate resourceless = new TransactionTemplate(new AbstractPlatformTransactionManager() {
            @Override
            protected Object doGetTransaction() {
                return new Object();
            }

            @Override
            protected void doBegin(Object transaction, TransactionDefinition definition) {}

            @Override
            protected void doCommit(DefaultTransactionStatus status) {}

            @Override
            protected void doRollback(DefaultTransactionStatus status) {}
        });
        long before = signals(B);
        resourceless.executeWithoutResult(status -> TenantScope.run(pool, B, c -> insertSignal(c, B)));
        assertThat(signals(B)).as("like a Kafka transaction alone: not refused, committed by the scope")
                .isEqualTo(before + 1);
    }

    @Test
    void outside_a_spring_transaction_a_scope_runs_and_commits_its_own() {
        long before = signals(B);
        TenantScope.run(pool, B, c -> insertSignal(c, B));
        assertThat(signals(B)).isEqualTo(before + 1);
    }

    @Test
    void a_transaction_manager_on_a_tenant_aware_data_source_runs_every_transaction_as_the_current_tenant() {
        ThreadLocal<TenantId> request = new ThreadLocal<>();
        TenantDataSource tenantAware = TenantDataSource.wrap(pool, () -> Optional.ofNullable(request.get()));
        TransactionTemplate tenantTemplate = new TransactionTemplate(new DataSourceTransactionManager(tenantAware));
        JdbcTemplate jdbc = new JdbcTemplate(tenantAware);
        String sql = "SELECT DISTINCT tenant_id FROM agent_signals";

        request.set(A);
        List<UUID> seenByA = tenantTemplate.execute(s -> jdbc.queryForList(sql, UUID.class));
        assertThat(seenByA).containsExactly(A.value());
        request.set(B);
        List<UUID> seenByB = tenantTemplate.execute(s -> jdbc.queryForList(sql, UUID.class));
        assertThat(seenByB).containsExactly(B.value());
        long before = signals(B);
        tenantTemplate.executeWithoutResult(s -> {
            jdbc.update("INSERT INTO agent_signals (agent_type, symbol, signal, confidence) VALUES ('t', 'N', 'buy', 1)");
            TenantScope.run(tenantAware, B, c -> insertSignal(c, B));
            s.setRollbackOnly();
        });
        assertThat(signals(B)).as("both writes, tenant_id defaulted, rolled back").isEqualTo(before);
        request.remove();
        assertThatThrownBy(() -> tenantTemplate.execute(s -> jdbc.queryForList(sql, UUID.class)))
                .as("no tenant: 011's explicit error").hasMessageContaining("AP001");
    }

    private static HikariDataSource pool(int size) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(db.appDataSource());
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(250);
        return new HikariDataSource(config);
    }

    private static String slug() {
        return "spring-" + UUID.randomUUID();
    }

    /** A write of the Spring transaction itself, outside any tenant scope (tenants has no row-level security). */
    private static void outerWrite(String slug) {
        new JdbcTemplate(pool).update(
                "INSERT INTO tenants (name, slug, subscription_tier) VALUES ('outer write', ?, 'pro')", slug);
    }

    private static void insertSignal(Connection c, TenantId tenant) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO agent_signals (tenant_id, agent_type, symbol,"
                + " signal, confidence) VALUES (?, 'spring', 'N', 'buy', 1)")) {
            ps.setObject(1, tenant.value());
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private static boolean tenantExists(String slug) {
        Integer n = new JdbcTemplate(db.ownerDataSource())
                .queryForObject("SELECT count(*) FROM tenants WHERE slug = ?", Integer.class, slug);
        return n != null && n == 1;
    }

    private static long signals(TenantId tenant) {
        return db.adminCount("agent_signals", tenant.value());
    }
}
