package com.alphapulse.tenant.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.schema.head.Tables;
import com.alphapulse.tenant.TenantId;
import com.alphapulse.tenant.testing.TenantTestDatabase;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jooq.DSLContext;
import org.jooq.Record1;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TenantScopeConcurrencyTest {

    private static final TenantId A = TenantId.of(TenantTestDatabase.A);
    private static final TenantId B = TenantId.of(TenantTestDatabase.B);
    private static final TenantId C = TenantId.of(TenantTestDatabase.C);
    private static final List<String> TENANT_TABLES = TenantTestDatabase.TENANT_TABLES;

    private static final int THREADS = 8;
    private static final int OPERATIONS_PER_THREAD = 1_000;
    private static final int POOL_SIZE = 3;
    private static final List<TenantId> TENANTS = List.of(A, B, C);

    static TenantTestDatabase db;

    @BeforeAll
    static void setUp() {
        db = TenantTestDatabase.atHead().start();
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Test
    void eight_threads_doing_a_thousand_operations_each_on_a_small_pool_never_observe_another_tenants_row()
            throws Exception {
        Queue<String> violations = new ConcurrentLinkedQueue<>();
        LongAdder rowsObserved = new LongAdder();
        AtomicInteger operations = new AtomicInteger();
        AtomicInteger failedOnPurpose = new AtomicInteger();
        Map<TenantId, AtomicInteger> inserted = new ConcurrentHashMap<>();
        TENANTS.forEach(t -> inserted.put(t, new AtomicInteger()));
        Map<TenantId, Integer> signalsBefore = new ConcurrentHashMap<>();
        TENANTS.forEach(t -> signalsBefore.put(t, db.adminCount("agent_signals", t.value())));

        HikariConfig config = new HikariConfig();
        config.setDataSource(db.appDataSource());
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(POOL_SIZE);
        config.setConnectionTimeout(30_000);
        config.setPoolName("tenant-scope-concurrency");
        try (HikariDataSource pool = new HikariDataSource(config)) {
            DSLContext dsl = DSL.using(pool, SQLDialect.POSTGRES);
            ExecutorService executor = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long seed = 42L + t;
                futures.add(executor.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    for (int i = 0; i < OPERATIONS_PER_THREAD; i++) {
                        TenantId tenant = TENANTS.get(random.nextInt(TENANTS.size()));
                        String table = TENANT_TABLES.get(random.nextInt(TENANT_TABLES.size()));
                        try {
                            switch (random.nextInt(5)) {
                                case 0 -> readWithJdbc(pool, tenant, table, violations, rowsObserved);
                                case 1 -> readWithJooq(dsl, tenant, violations, rowsObserved);
                                case 2 -> {
                                    insertAndReadBack(pool, tenant, violations, rowsObserved);
                                    inserted.get(tenant).incrementAndGet();
                                }
                                case 3 -> {
                                    failInsideScope(pool, tenant);
                                    failedOnPurpose.incrementAndGet();
                                }
                                default -> unscopedRead(pool, table, violations);
                            }
                        } catch (SQLException | RuntimeException e) {
                            violations.add("unexpected failure as " + tenant + ": " + e);
                        }
                        operations.incrementAndGet();
                    }
                    return null;
                }));
            }
            executor.shutdown();
            assertThat(executor.awaitTermination(5, TimeUnit.MINUTES)).as("finished in time").isTrue();
            for (Future<?> f : futures) {
                f.get();
            }
        }

        assertThat(violations).isEmpty();
        assertThat(operations.get()).isEqualTo(THREADS * OPERATIONS_PER_THREAD);
        assertThat(rowsObserved.sum()).as("rows checked, so the test is not vacuous")
                .isGreaterThan(THREADS * OPERATIONS_PER_THREAD);
        assertThat(failedOnPurpose.get()).isPositive();
        for (TenantId tenant : TENANTS) {
            assertThat(db.adminCount("agent_signals", tenant.value())).as("signals stored for %s", tenant)
                    .isEqualTo(signalsBefore.get(tenant) + inserted.get(tenant).get());
        }
    }

    private static void readWithJdbc(HikariDataSource pool, TenantId tenant, String table, Queue<String> violations,
            LongAdder rowsObserved) {
        TenantScope.run(pool, tenant, c -> {
            String setting = Rows.setting(c);
            if (!tenant.toString().equals(setting)) {
                violations.add("scope of " + tenant + " ran with setting " + setting);
            }
            Map<TenantId, Integer> visible = Rows.byTenant(c, table);
            if (!visible.keySet().equals(java.util.Set.of(tenant))) {
                violations.add("scope of " + tenant + " saw " + visible + " in " + table);
            }
            visible.values().forEach(rowsObserved::add);
        });
    }

    private static void readWithJooq(DSLContext dsl, TenantId tenant, Queue<String> violations,
            LongAdder rowsObserved) {
        List<Record1<java.util.UUID>> rows = TenantScope.call(dsl, tenant,
                tx -> tx.select(Tables.POSITIONS.TENANT_ID).from(Tables.POSITIONS).fetch());
        for (Record1<java.util.UUID> row : rows) {
            if (!row.value1().equals(tenant.value())) {
                violations.add("jOOQ scope of " + tenant + " saw a position of " + row.value1());
            }
        }
        if (rows.isEmpty()) {
            violations.add("jOOQ scope of " + tenant + " saw no position at all");
        }
        rowsObserved.add(rows.size());
    }

    private static void insertAndReadBack(HikariDataSource pool, TenantId tenant, Queue<String> violations,
            LongAdder rowsObserved) {
        TenantScope.run(pool, tenant, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO agent_signals"
                    + " (tenant_id, agent_type, symbol, signal, confidence) VALUES (?, 'load', 'L', 'hold', 0.1)")) {
                ps.setObject(1, tenant.value());
                ps.executeUpdate();
            }
            Map<TenantId, Integer> visible = Rows.byTenant(c, "agent_signals");
            if (!visible.keySet().equals(java.util.Set.of(tenant))) {
                violations.add("scope of " + tenant + " saw " + visible + " in agent_signals after its insert");
            }
            visible.values().forEach(rowsObserved::add);
        });
    }

    private static void failInsideScope(HikariDataSource pool, TenantId tenant) {
        try {
            TenantScope.run(pool, tenant, c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO agent_signals"
                        + " (tenant_id, agent_type, symbol, signal, confidence) VALUES (?, 'doomed', 'D', 'x', 0)")) {
                    ps.setObject(1, tenant.value());
                    ps.executeUpdate();
                }
                throw new IllegalStateException("fails on purpose");
            });
        } catch (IllegalStateException expected) {
            // the rollback and the connection's return to the pool are what this exercises
        }
    }

    private static void unscopedRead(HikariDataSource pool, String table, Queue<String> violations)
            throws SQLException {
        try (Connection c = pool.getConnection()) {
            String setting = Rows.setting(c);
            if (setting != null && !setting.isEmpty()) {
                violations.add("pooled connection outside a scope carried tenant " + setting);
            }
            String outcome = Rows.outsideScope(c, table);
            if (!Rows.NO_TENANT.equals(outcome)) {
                violations.add("pooled connection outside a scope read " + table + " and was not refused with "
                        + Rows.NO_TENANT + ": " + outcome);
            }
        }
    }
}
