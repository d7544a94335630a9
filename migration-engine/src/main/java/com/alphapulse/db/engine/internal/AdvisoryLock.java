package com.alphapulse.db.engine.internal;

import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.MigrationException.Code;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * One migration run per database: a session-level advisory lock held on a dedicated connection for the
 * whole run. Taken with {@code pg_try_advisory_lock}, so a second run is refused at once instead of
 * queueing. The two-key form never collides with Flyway's own single-key advisory lock.
 *
 * <p>With a connection pool, closing the connection does not end the session, so a session-level lock
 * that was not released would stay with the pooled session and refuse every later run. Hence on close the
 * lock is released and checked; when that fails the physical connection is aborted, which ends the
 * session and with it the lock (a pool then discards the broken connection). The session's
 * {@code application_name} (set so that a refused run and {@code pg_stat_activity} can name the holder) is
 * reset too, so it never leaks into the pool.
 */
final class AdvisoryLock implements AutoCloseable {

    /** "APDB". */
    static final int CLASS_ID = 0x41504442;
    static final int OBJECT_ID = 1;
    static final String APPLICATION = "alphapulse-migration-engine lock";

    /** What a live run's lock session does this often, so that an idle one that stopped doing it is recognisably stale. */
    static final java.time.Duration HEARTBEAT = java.time.Duration.ofSeconds(5);
    /** How long a run waits, saying so, for a stale holder of the lock or a previous run's step session to end. */
    static final java.time.Duration WAIT = java.time.Duration.ofSeconds(10);
    /** What the engine's step sessions are named (a downgrade's "… undo 011"); the lock session's name is not one. */
    static final String STEP_SESSIONS = "alphapulse-migration-engine %";
    /** The statement that takes the lock, on a session of its own held for the whole run. */
    /** Names the lock's session, so that {@code status} and a second run can tell who holds the lock. */
    static final Sql.Bound NAME_SESSION = new Sql.Bound("SELECT set_config('application_name', ?, false)", APPLICATION);
    static final Sql.Bound TRY_LOCK = new Sql.Bound("SELECT pg_try_advisory_lock(?, ?)", CLASS_ID, OBJECT_ID);

    /** The statement that releases it when the run ends. */
    static final Sql.Bound UNLOCK = new Sql.Bound("SELECT pg_advisory_unlock(?, ?)", CLASS_ID, OBJECT_ID);

    /** What the lock's session runs last, so that its name never stays with a pooled session. */
    static final String RESET_NAME = "RESET application_name";

    /** The lock the run on this thread holds, for {@link #requireHeld}; steps run on the thread that took it. */
    private static final ThreadLocal<AdvisoryLock> HELD = new ThreadLocal<>();

    private final Connection connection;
    private final int pid;
    private final AdvisoryLock outer = HELD.get();
    private volatile long checkedAt = System.nanoTime();
    private final Thread heartbeat;
    private boolean closed;

    private AdvisoryLock(Connection connection, EngineSettings s) throws SQLException {
        this.connection = connection;
        this.pid = Sql.integer(Sql.value(connection, "SELECT pg_backend_pid()"));
        long every = Math.max(200, Math.min(HEARTBEAT.toMillis(), s.staleAfter().toMillis() / 4));
        this.heartbeat = new Thread(() -> beat(every), "alphapulse-migration-lock-heartbeat");
        heartbeat.setDaemon(true);
        heartbeat.start();
        HELD.set(this);
    }

    /**
     * Stops the step about to change something, or to commit, unless this thread's run still holds the migration
     * lock, asked on the step's own connection {@code c} (inside its transaction, so a step stopped here commits
     * nothing). A run whose lock session was ended (by another run's terminate-stale while this one was paused past
     * the stale time, or by a DBA) would otherwise go on beside the run that took the lock over. Does nothing where no
     * run holds a lock on this thread (a plan, a test driving a part alone).
     */
    static void requireHeld(Connection c) {
        AdvisoryLock lock = HELD.get();
        if (lock == null) {
            return;
        }
        lock.check(c);
    }

    /**
     * {@link #requireHeld} for loops of batches: asked at most once a second (reading pg_locks takes every lock
     * partition's lock, too much for every 200 ms batch of a busy primary); a commit asks {@link #requireHeld}.
     */
    static void requireHeldLately(Connection c) {
        AdvisoryLock lock = HELD.get();
        if (lock != null && System.nanoTime() - lock.checkedAt > 1_000_000_000L) {
            lock.check(c);
        }
    }

    private void check(Connection c) {
        Object held = Sql.unchecked(() -> Sql.value(c, "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = ? "
                + "AND granted AND classid = ?::int::oid AND objid = ?::int::oid AND objsubid = 2 "
                + "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))", pid, CLASS_ID, OBJECT_ID));
        if (!Boolean.TRUE.equals(held)) {
            throw new MigrationException(Code.LOCKED, "the migration lock was lost: its session (backend pid " + pid
                    + ") is gone, ended by a DBA or by another run's terminate-stale while this run was paused or cut off; "
                    + "this run stops before its next change and commits nothing more (another run may own the database now), "
                    + "run status to see where it stands");
        }
        checkedAt = System.nanoTime();
    }

    /**
     * Keeps the lock session's state_change recent: the only thing that tells a live run's idle lock session from one
     * whose client vanished (a host gone without closing its socket keeps its backend, and the lock, until TCP
     * keepalive gives up, hours by default).
     */
    private void beat(long everyMillis) {
        while (true) {
            try {
                Thread.sleep(everyMillis);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                try {
                    Sql.execute(connection, "SELECT 1");
                } catch (SQLException | RuntimeException ignored) {
                    // a broken lock session is found, and aborted, by release()
                }
            }
        }
    }

    /** Whether a session (another run, or this one) holds the migration lock now. */
    static boolean held(java.sql.Connection c, EngineSettings s) throws java.sql.SQLException {
        return Boolean.TRUE.equals(Sql.value(c, "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
                + "AND classid = ?::oid AND objid = ?::oid AND objsubid = 2 AND granted AND database = "
                + "(SELECT oid FROM pg_database WHERE datname = current_database()))", CLASS_ID & 0xffffffffL, OBJECT_ID));
    }

    /** The session holding the lock as pg_stat_activity shows it. */
    record Holder(int pid, String user, String address, Object since, String application, String state, double idleSeconds) {

        boolean ours() {
            return APPLICATION.equals(application);
        }

        boolean stale(EngineSettings s) {
            return ours() && state != null && state.startsWith("idle") && idleSeconds >= s.staleAfter().toMillis() / 1000.0;
        }

        String describe() {
            return "backend pid " + pid + " of " + user + (address == null ? "" : " from " + address) + " since " + since
                    + (application == null || application.isEmpty() ? "" : ", application '" + application + "'")
                    + (state == null ? "" : ", " + state + " for " + Math.round(idleSeconds) + " s");
        }
    }

    static Holder holder(Connection c) throws SQLException {
        Object[] r = Sql.row(c, "SELECT a.pid, a.usename::text, a.client_addr::text, a.backend_start, a.application_name, "
                + "a.state, extract(epoch FROM now() - a.state_change)::float8 "
                + "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                + "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ?::int::oid AND l.objid = ?::int::oid "
                + "AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                CLASS_ID, OBJECT_ID);
        return r == null ? null : new Holder(Sql.integer(r[0]), (String) r[1], (String) r[2], Sql.instant(r[3]),
                (String) r[4], (String) r[5], r[6] == null ? 0 : ((Number) r[6]).doubleValue());
    }

    static AdvisoryLock acquire(EngineSettings s, String verb) {
        Connection c = Connections.open(s);
        try {
            NAME_SESSION.execute(c);
            long deadline = System.nanoTime() + WAIT.toNanos();
            Integer waitingFor = null;
            while (true) {
                if (Boolean.TRUE.equals(TRY_LOCK.value(c))) {
                    AdvisoryLock lock = new AdvisoryLock(c, s);
                    try {
                        previousSteps(c, s);
                    } catch (SQLException | RuntimeException e) {
                        lock.close();
                        throw e instanceof MigrationException m ? m : Errors.translate(s, "cannot take the migration lock", e);
                    }
                    return lock;
                }
                Holder holder = holder(c);
                if (holder == null) {
                    continue; // released between the two queries
                }
                boolean stale = holder.stale(s);
                if (stale && s.terminateStale()) {
                    terminateStaleHolder(c, s, holder);
                    continue;
                }
                if (stale && System.nanoTime() < deadline) {
                    if (!Integer.valueOf(holder.pid()).equals(waitingFor)) {
                        waitingFor = holder.pid();
                        s.progress().accept("waiting up to " + WAIT.toSeconds() + " s for the previous run's backend pid "
                                + holder.pid() + ", which still holds the migration lock (" + holder.describe()
                                + ", no heartbeat: its client is gone); the terminate-stale option ends it");
                    }
                    sleepQuietly(250);
                    continue;
                }
                throw new MigrationException(Code.LOCKED, "cannot " + verb + ": another migration run holds this database's "
                        + "migration lock (session " + holder.describe() + ")" + (stale
                                ? "; it is a stale session of an earlier run (idle without the engine's heartbeat): end it with "
                                        + "the terminate-stale option, or pg_terminate_backend(" + holder.pid() + ")"
                                : "; wait for it to finish")
                        + ", nothing was changed");
            }
        } catch (SQLException | RuntimeException e) {
            // Whether the lock was granted before the failure is unknown: release() checks pg_locks itself (and a lock
            // already closed after previousSteps failed is released twice, harmlessly).
            release(c, false);
            throw e instanceof MigrationException m ? m : Errors.translate(s, "cannot take the migration lock", e);
        }
    }

    /**
     * Once this run holds the lock, a session still running one of the engine's steps belongs to no live run (a live run
     * holds the lock): it is a previous run's, whose client was killed while its backend went on with a statement or
     * waited for a table lock. Its locks would make this run's steps time out; say so at once, then wait for it
     * (bounded) or end it.
     */
    private static void previousSteps(Connection c, EngineSettings s) throws SQLException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        boolean said = false;
        while (true) {
            List<Object[]> left = Sql.rows(c, "SELECT pid, application_name, state, coalesce(wait_event_type, ''), "
                    + "extract(epoch FROM now() - coalesce(xact_start, state_change))::bigint FROM pg_stat_activity "
                    + "WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE ? "
                    + "AND application_name <> ? AND state <> 'idle' ORDER BY pid", STEP_SESSIONS, APPLICATION);
            if (left.isEmpty()) {
                if (said) {
                    s.progress().accept("the previous run's backend ended; going on");
                }
                return;
            }
            for (Object[] r : left) {
                String wait = (String) r[3];
                String what = "backend pid " + r[0] + " ('" + r[1] + "', " + r[2]
                        + (wait.isEmpty() ? "" : ", waiting for a " + wait.toLowerCase(java.util.Locale.ROOT))
                        + " for " + r[4] + " s)";
                if (s.terminateStale()) {
                    terminate(c, s, Sql.integer(r[0]), "the previous run's step session " + what);
                } else if (!said) {
                    s.progress().accept("waiting up to " + WAIT.toSeconds() + " s for the previous run's " + what
                            + ", still running without its client; the terminate-stale option ends it");
                }
            }
            said = true;
            if (System.nanoTime() > deadline) {
                s.progress().accept("the previous run's backend is still there after " + WAIT.toSeconds()
                        + " s; going on (its locks may make this run wait or time out)");
                return;
            }
            sleepQuietly(250);
        }
    }

    /**
     * What every mutating verb does first, before it reads a table: a previous run's step session waiting for (or
     * holding) a table lock would make the first read queue behind it, silently. When nobody holds the migration lock,
     * such sessions are {@link #previousSteps}' to name and wait for or end; when somebody does, {@link #acquire}
     * tells later. Takes and releases the lock on a connection of its own.
     */
    static void settlePrevious(EngineSettings s) {
        Connection c = Connections.open(s);
        boolean locked = false;
        try {
            NAME_SESSION.execute(c);
            locked = Boolean.TRUE.equals(TRY_LOCK.value(c));
            if (locked) {
                previousSteps(c, s);
            }
        } catch (SQLException | RuntimeException e) {
            throw e instanceof MigrationException m ? m : Errors.translate(s, "cannot look for a previous run's sessions", e);
        } finally {
            release(c, locked);
        }
    }

    /**
     * Ends the lock's holder only if it is still stale when the server looks: the judgement and the kill are one
     * statement, so a holder that ran its heartbeat (or ended, and its pid was reused) between {@link #holder} and
     * here is left alone; the caller's loop then reads the holder again.
     */
    static void terminateStaleHolder(Connection c, EngineSettings s, Holder holder) throws SQLException {
        Object done = Sql.value(c, "SELECT pg_terminate_backend(a.pid) FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid "
                + "WHERE a.pid = ? AND a.application_name = ? AND a.state LIKE 'idle%' "
                + "AND a.state_change <= now() - make_interval(secs => ?) "
                + "AND l.locktype = 'advisory' AND l.granted AND l.classid = ?::int::oid AND l.objid = ?::int::oid "
                + "AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                holder.pid(), APPLICATION, s.staleAfter().toMillis() / 1000.0, CLASS_ID, OBJECT_ID);
        if (!Boolean.TRUE.equals(done)) {
            return; // not stale any more (its heartbeat ran), or gone; no permission raises 42501 instead of returning false
        }
        s.progress().accept("terminating the previous run's lock session " + holder.describe()
                + " (no heartbeat for " + s.staleAfter().toSeconds() + " s or more: its client is gone)");
        awaitTerminated(c, s, holder.pid(), done);
    }

    /** pg_terminate_backend, then waits (bounded) until the backend is gone, so its locks are released. */
    private static void terminate(Connection c, EngineSettings s, int pid, String what) throws SQLException {
        // The rule that chose it (an engine step on a session that is not idle), checked again by the server at the kill:
        // a step that ended meanwhile, or a pid reused by someone else, is left alone.
        Object done = Sql.value(c, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ? "
                + "AND datname = current_database() AND application_name LIKE ? AND application_name <> ? AND state <> 'idle'",
                pid, STEP_SESSIONS, APPLICATION);
        if (!Boolean.TRUE.equals(done)) {
            return; // not that session any more; false: it ended between the look and the signal (no permission raises 42501)
        }
        s.progress().accept("terminating " + what);
        awaitTerminated(c, s, pid, done);
    }

    private static void awaitTerminated(Connection c, EngineSettings s, int pid, Object done) throws SQLException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline && Boolean.TRUE.equals(Sql.value(c,
                "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = ?)", pid))) {
            sleepQuietly(100);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException(Code.INTERRUPTED, "interrupted while waiting for the migration lock; nothing was changed");
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        if (HELD.get() == this) {
            HELD.set(outer);
        }
        heartbeat.interrupt();
        release(connection, true);
    }

    /** The connection holding the lock; tests break it to prove that a failed release never leaks the lock. */
    Connection connection() {
        return connection;
    }

    /**
     * Hands {@code c} back clean: the lock released (when {@code held}) and verified gone, application_name
     * reset. When any of that fails the physical connection is aborted instead of handed back.
     */
    private static void release(Connection c, boolean held) {
        boolean clean = false;
        try {
            if (!c.isClosed()) {
                boolean unlocked = !held || Boolean.TRUE.equals(UNLOCK.value(c));
                // Session-level advisory locks stack: a session that took it twice still holds it once.
                boolean stillHeld = Boolean.TRUE.equals(Sql.value(c, "SELECT EXISTS (SELECT 1 FROM pg_locks "
                        + "WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND classid = ?::int::oid "
                        + "AND objid = ?::int::oid AND objsubid = 2)", CLASS_ID, OBJECT_ID));
                if (unlocked && !stillHeld) {
                    Sql.execute(c, RESET_NAME);
                    clean = true;
                }
            }
        } catch (SQLException | RuntimeException e) {
            clean = false;
        }
        if (!clean) {
            abort(c);
        }
        Connections.closeQuietly(c);
    }

    private static void abort(Connection c) {
        try {
            // Synchronously: the session (and the lock with it) must be gone before the next run asks.
            c.abort(Runnable::run);
        } catch (SQLException | RuntimeException ignored) {
            // an already closed connection has no session left to hold the lock
        }
    }
}
