package com.alphapulse.db.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.UndoScriptSource;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.schema.AlphaPulseSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The safety rule of terminate-stale: only a lock session of the engine that stopped its heartbeat is ended; a live
 * run's lock session, heartbeating, is refused LOCKED as before. And an older journal gets INTERRUPTED allowed.
 */
class StaleLockTest {

    static final Database DB = PostgresProvider.shared().createDatabase("stale_lock");

    @AfterAll
    static void dropDatabase() {
        PostgresProvider.shared().dropDatabase(DB);
    }

    private static EngineSettings settings(boolean terminate, List<String> lines) {
        return new EngineSettings(DB.dataSource(), "db", null, Duration.ofSeconds(2), Duration.ofMinutes(1), 0, Duration.ofMillis(100),
                AlphaPulseSchema.migrations(), List.of(AlphaPulseSchema.migrations().flywayLocation()),
                UndoScriptSource.of(AlphaPulseSchema.migrations()), "test", null, lines::add, terminate, Duration.ofSeconds(2));
    }

    /** A session that took the lock under the engine's name and then went silent, like one whose client host vanished. */
    private static Connection silentHolder() throws Exception {
        Connection c = DB.connect();
        try (Statement s = c.createStatement()) {
            s.execute("SELECT set_config('application_name', '" + AdvisoryLock.APPLICATION + "', false), pg_advisory_lock("
                    + AdvisoryLock.CLASS_ID + ", " + AdvisoryLock.OBJECT_ID + ")");
        }
        return c;
    }

    private static int pid(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
            r.next();
            return r.getInt(1);
        }
    }

    @Test
    @DisplayName("a silent lock session idle past staleAfter is terminated with terminateStale, and the lock is taken; without it "
            + "the run says it waits for that pid and then refuses LOCKED naming pg_terminate_backend")
    void silent_holder_is_waited_for_then_terminated() throws Exception {
        try (Connection holder = silentHolder()) {
            int pid = pid(holder);
            Thread.sleep(2500);
            List<String> lines = new CopyOnWriteArrayList<>();
            assertThatThrownBy(() -> AdvisoryLock.acquire(settings(false, lines), "test"))
                    .isInstanceOfSatisfying(MigrationException.class, e -> assertThat(e.code()).isEqualTo(MigrationException.Code.LOCKED))
                    .hasMessageContaining("pg_terminate_backend(" + pid + ")");
            assertThat(lines).anyMatch(l -> l.startsWith("waiting up to 10 s for the previous run's backend pid " + pid));

            try (AdvisoryLock lock = AdvisoryLock.acquire(settings(true, lines), "test")) {
                assertThat(lines).anyMatch(l -> l.startsWith("terminating the previous run's lock session backend pid " + pid));
                assertThat(holder.isValid(2)).as("the silent session was ended").isFalse();
            }
        }
    }

    @Test
    @DisplayName("a live run's lock session, idle between its heartbeats, is never stale: terminateStale still gets LOCKED at once")
    void live_holder_is_not_terminated() throws Exception {
        try (AdvisoryLock live = AdvisoryLock.acquire(settings(false, new CopyOnWriteArrayList<>()), "live")) {
            Thread.sleep(3000);
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> AdvisoryLock.acquire(settings(true, new CopyOnWriteArrayList<>()), "test"))
                    .isInstanceOfSatisfying(MigrationException.class, e -> assertThat(e.code()).isEqualTo(MigrationException.Code.LOCKED))
                    .hasMessageContaining("wait for it to finish");
            assertThat(live.connection().isValid(2)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("refused, not waited").isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    @DisplayName("the kill re-checks staleness on the server: a holder that looked stale but has run its heartbeat since is not "
            + "terminated")
    void holder_that_beat_since_the_look_is_not_terminated() throws Exception {
        try (AdvisoryLock live = AdvisoryLock.acquire(settings(false, new CopyOnWriteArrayList<>()), "live");
                Connection c = DB.connect()) {
            AdvisoryLock.Holder seen = AdvisoryLock.holder(c);
            assertThat(seen).isNotNull();
            // What a look taken just before the live run's last beat would have seen: idle far longer than staleAfter.
            AdvisoryLock.Holder looked = new AdvisoryLock.Holder(seen.pid(), seen.user(), seen.address(), seen.since(),
                    seen.application(), "idle", 3600);
            assertThat(looked.stale(settings(true, List.of()))).as("the look alone would call it stale").isTrue();
            List<String> lines = new CopyOnWriteArrayList<>();
            AdvisoryLock.terminateStaleHolder(c, settings(true, lines), looked);
            assertThat(live.connection().isValid(2)).as("the live run's lock session survived").isTrue();
            assertThat(lines).noneMatch(l -> l.startsWith("terminating"));
        }
    }

    @Test
    @DisplayName("the library refuses a staleAfter shorter than two heartbeats, which could take a live run for a dead one")
    void stale_after_below_two_heartbeats_is_refused() {
        assertThatThrownBy(() -> com.alphapulse.db.engine.MigrationEngine.configure().staleAfter(Duration.ofSeconds(9)))
                .isInstanceOf(MigrationException.class).hasMessageContaining("at least 10 s");
        assertThat(com.alphapulse.db.engine.MigrationEngine.configure().staleAfter(Duration.ofSeconds(10)).staleAfter())
                .isEqualTo(Duration.ofSeconds(10));
    }
}
