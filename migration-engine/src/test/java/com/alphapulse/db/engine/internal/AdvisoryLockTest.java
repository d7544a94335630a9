package com.alphapulse.db.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alphapulse.db.engine.DowngradeOptions;
import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.engine.UndoScriptSource;
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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The migration lock through a HikariCP pool, where closing a connection does not end its session: the
 * lock and the engine's application_name must never stay behind on a pooled session.
 */
class AdvisoryLockTest {

    static final Database DB = PostgresProvider.shared().createDatabase("advisory_lock");
    static final Database ABORTED = PostgresProvider.shared().createDatabase("advisory_lock_abort");

    @AfterAll
    static void dropDatabases() {
        PostgresProvider.shared().dropDatabase(DB);
        PostgresProvider.shared().dropDatabase(ABORTED);
    }

    @Test
    @DisplayName("through a pool, after each run no pooled session holds the lock or the engine's application_name, and the next run is not LOCKED")
    void pooled_runs_hand_back_clean_sessions() throws Exception {
        try (HikariDataSource pool = pool(DB, 5)) {
            MigrationEngine engine = MigrationEngine.configure().dataSource(pool).load();
            engine.upgrade("005");
            assertClean(DB, pool);
            engine.downgrade("002", DowngradeOptions.defaults());
            assertClean(DB, pool);
            assertThat(engine.upgrade("head").toVersion().label()).isEqualTo("011");
            assertClean(DB, pool);
            MigrationEngine direct = MigrationEngine.configure().dataSource(DB.dataSource()).load();
            assertThat(direct.downgrade("-1", DowngradeOptions.defaults()).toVersion().label()).isEqualTo("010");
            assertThat(engine.upgrade("head").toVersion().label()).isEqualTo("011");
        }
    }

    @Test
    @DisplayName("a lock that cannot be released (its session's transaction is aborted) is not handed back to the pool: the "
            + "connection is aborted, the session and its lock end, and the next run is not LOCKED")
    void failed_release_aborts_the_pooled_connection() throws Exception {
        try (HikariDataSource pool = pool(ABORTED, 3)) {
            AdvisoryLock lock = AdvisoryLock.acquire(settings(pool), "test");
            Connection held = lock.connection();
            held.setAutoCommit(false);
            try (Statement s = held.createStatement()) {
                assertThatThrownBy(() -> s.execute("SELECT 1 / 0")).isInstanceOf(SQLException.class);
            }
            assertThat(locksHeld(ABORTED)).isEqualTo(1);

            lock.close();

            awaitNoLock(ABORTED);
            MigrationEngine direct = MigrationEngine.configure().dataSource(ABORTED.dataSource()).load();
            assertThat(direct.upgrade("+1").versions()).hasSize(1);
            MigrationEngine pooled = MigrationEngine.configure().dataSource(pool).load();
            assertThat(pooled.upgrade("+1").versions()).hasSize(1);
            assertClean(ABORTED, pool);
        }
    }

    private static HikariDataSource pool(Database db, int size) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(db.dataSource());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setPoolName("advisory-lock-test");
        return new HikariDataSource(config);
    }

    private static EngineSettings settings(HikariDataSource pool) {
        return new EngineSettings(pool, "pool", null, Duration.ofSeconds(2), Duration.ofMinutes(1), 0, Duration.ofMillis(100),
                AlphaPulseSchema.migrations(), List.of(AlphaPulseSchema.migrations().flywayLocation()), UndoScriptSource.of(AlphaPulseSchema.migrations()), "test", null, m -> { });
    }

    /** No session holds the lock, and no live session of the pool still carries the lock's application_name. */
    private static void assertClean(Database db, HikariDataSource pool) throws SQLException {
        assertThat(locksHeld(db)).isZero();
        assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isPositive();
        assertThat(scalar(db, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = '"
                + AdvisoryLock.APPLICATION + "'")).isZero();
    }

    private static long locksHeld(Database db) throws SQLException {
        return scalar(db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = " + AdvisoryLock.CLASS_ID
                + "::oid AND objid = " + AdvisoryLock.OBJECT_ID + "::oid AND objsubid = 2");
    }

    private static void awaitNoLock(Database db) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (locksHeld(db) > 0) {
            assertThat(System.nanoTime()).as("the aborted session's lock is gone within 10 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static long scalar(Database db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
