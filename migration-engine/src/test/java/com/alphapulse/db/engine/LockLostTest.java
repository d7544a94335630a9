package com.alphapulse.db.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.postgres.Database;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A run whose migration lock session is ended while it works (terminated by a DBA, or by another run's
 * terminate-stale while this one was paused past the stale time) stops before it commits anything more, instead of
 * going on beside whoever takes the lock next.
 */
class LockLostTest {

    static void awaitUndoWaiting(Database db) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet r = s.executeQuery("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                        + "AND application_name LIKE 'alphapulse-migration-engine undo%' AND wait_event_type = 'Lock'")) {
                    if (r.next()) {
                        return;
                    }
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError("the undo never waited for its table lock");
    }

    /** A transaction holding ACCESS SHARE on trades, so that the undo of 011 waits for its ACCESS EXCLUSIVE. */
    static Connection blockTrades(Database db) throws Exception {
        Connection blocker = db.connect();
        blocker.setAutoCommit(false);
        try (Statement s = blocker.createStatement()) {
            s.execute("LOCK TABLE trades IN ACCESS SHARE MODE");
        }
        return blocker;
    }

    /** {@code run} on another thread: its failure, or null. */
    static CompletableFuture<Throwable> inBackground(Runnable run) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                run.run();
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
    }

    /** {@code engine.downgrade(target)} on another thread: its failure, or null. */
    static CompletableFuture<Throwable> downgradeInBackground(MigrationEngine engine, String target) {
        return inBackground(() -> engine.downgrade(target, DowngradeOptions.defaults()));
    }

    @Test
    @DisplayName("the lock session terminated while the undo of 011 waits for its table locks: the undo rolls back at its commit "
            + "with LOCKED 'the migration lock was lost', the database stays at 011 with its catalog")
    void lost_lock_stops_the_step_before_commit() throws Exception {
        Database db = Fixtures.database("lock_lost");
        try {
            Fixtures.engine(db).upgrade("head");
            MigrationEngine engine = Fixtures.config(db).lockTimeout(Duration.ofSeconds(60)).lockRetries(0).load();
            try (Connection blocker = blockTrades(db)) {
                CompletableFuture<Throwable> run = downgradeInBackground(engine, "010");
                awaitUndoWaiting(db);
                assertThat(Fixtures.count(db, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        + "WHERE datname = current_database() AND application_name = 'alphapulse-migration-engine lock'"))
                        .as("the run's lock session").isEqualTo(1);
                blocker.rollback();
                Throwable failure = run.get(60, TimeUnit.SECONDS);
                assertThat(failure).isInstanceOfSatisfying(MigrationException.class,
                        e -> assertThat(e.code()).isEqualTo(MigrationException.Code.LOCKED))
                        .hasMessageContaining("the migration lock was lost");
            }
            StatusResult status = Fixtures.engine(db).status();
            assertThat(status.currentVersion().label()).isEqualTo("011");
            assertThat(status.catalog().matchesRecorded()).as("%s", status.catalog().findings()).isTrue();
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("the same during an upgrade: V011 waiting for its table locks when the lock session is terminated rolls back with "
            + "LOCKED (not FAILED), the database stays at 010 with its catalog")
    void lost_lock_stops_an_upgrade_version_before_commit() throws Exception {
        Database db = Fixtures.database("lock_lost_up");
        try {
            Fixtures.engine(db).upgrade("head");
            Fixtures.engine(db).downgrade("010", DowngradeOptions.defaults());
            MigrationEngine engine = Fixtures.config(db).lockTimeout(Duration.ofSeconds(60)).lockRetries(0).load();
            try (Connection blocker = blockTrades(db)) {
                CompletableFuture<Throwable> run = inBackground(() -> engine.upgrade("head"));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (Fixtures.count(db, "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                        + "WHERE NOT l.granted AND l.relation = 'public.trades'::regclass AND a.datname = current_database()") == 0) {
                    assertThat(System.nanoTime()).as("the upgrade never waited for trades").isLessThan(deadline);
                    Thread.sleep(50);
                }
                assertThat(Fixtures.count(db, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        + "WHERE datname = current_database() AND application_name = 'alphapulse-migration-engine lock'")).isEqualTo(1);
                blocker.rollback();
                Throwable failure = run.get(60, TimeUnit.SECONDS);
                assertThat(failure).isInstanceOfSatisfying(MigrationException.class,
                        e -> assertThat(e.code()).isEqualTo(MigrationException.Code.LOCKED))
                        .hasMessageContaining("the migration lock was lost");
            }
            StatusResult status = Fixtures.engine(db).status();
            assertThat(status.currentVersion().label()).isEqualTo("010");
            assertThat(status.catalog().matchesRecorded()).as("%s", status.catalog().findings()).isTrue();
        } finally {
            Fixtures.drop(db);
        }
    }
}
