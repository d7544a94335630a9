package com.alphapulse.db.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * What a signal cancels on the server: the statements in flight when it came, never a later one, also on the same
 * backend (the failure path's rollback, clean-up and journal row run there right after the cancel).
 */
class InterruptionTest {

    static final PostgresProvider PG = PostgresProvider.shared();
    static final Database DB = PG.createDatabase("cli_interruption");

    @AfterAll
    static void drop() {
        PG.dropDatabase(DB);
    }

    /** The statement's SQLSTATE once it ended (null when it completed). */
    static CompletableFuture<String> run(Connection c, String sql) {
        return CompletableFuture.supplyAsync(() -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
                return null;
            } catch (SQLException e) {
                return e.getSQLState();
            }
        });
    }

    static void awaitActive(Connection observer, Connection c) throws Exception {
        int pid = c.unwrap(PGConnection.class).getBackendPID();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try (Statement s = observer.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet r = s.executeQuery("SELECT 1 FROM pg_stat_activity WHERE pid = " + pid + " AND state = 'active' "
                        + "AND query LIKE 'SELECT pg_sleep%'")) {
                    if (r.next()) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
        }
        throw new AssertionError("backend " + pid + " never ran its statement");
    }

    @Test
    @DisplayName("the statement running at the signal is cancelled (57014); one that starts after it, on another tracked backend "
            + "or on the cancelled one, runs to its end although the cancelling goes on")
    void cancels_what_ran_at_the_signal_and_nothing_later() throws Exception {
        Interruption i = new Interruption(Thread.currentThread(), System.err);
        try (Connection observer = DB.connect(); Connection busy = DB.connect(); Connection later = DB.connect()) {
            i.watch(busy);
            i.watch(later);
            CompletableFuture<String> inFlight = run(busy, "SELECT pg_sleep(30)");
            awaitActive(observer, busy);
            i.markSignalled();
            Thread.sleep(300); // the failure path's statements start after the signal, here a little later
            CompletableFuture<String> afterSignal = run(later, "SELECT pg_sleep(1.5)");
            awaitActive(observer, later);

            Map<Integer, Long> seen = i.cancelOnce(observer, null);
            assertThat(seen).as("only the busy backend's statement was in flight at the signal")
                    .containsOnlyKeys(busy.unwrap(PGConnection.class).getBackendPID());
            assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("57014");

            CompletableFuture<String> cleanUp = run(busy, "SELECT pg_sleep(1)");
            awaitActive(observer, busy);
            while (!cleanUp.isDone() || !afterSignal.isDone()) {
                i.cancelOnce(observer, seen); // what the cancelling thread does every 200 ms
                Thread.sleep(100);
            }
            assertThat(cleanUp.get()).as("the cancelled backend's next statement completed").isNull();
            assertThat(afterSignal.get()).as("a statement begun after the signal completed").isNull();
        }
    }
}
