package com.alphapulse.db.engine.internal;

import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.MigrationException.Code;
import java.sql.Connection;
import java.sql.SQLException;
import org.jooq.Record;

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

    /** The statement that takes the lock, on a session of its own held for the whole run. */
    static final Sql.Bound TRY_LOCK = new Sql.Bound("SELECT pg_try_advisory_lock(?, ?)", CLASS_ID, OBJECT_ID);

    /** The statement that releases it when the run ends. */
    static final Sql.Bound UNLOCK = new Sql.Bound("SELECT pg_advisory_unlock(?, ?)", CLASS_ID, OBJECT_ID);

    private final Connection connection;

    private AdvisoryLock(Connection connection) {
        this.connection = connection;
    }

    /** Whether a session (another run, or this one) holds the migration lock now. */
    static boolean held(java.sql.Connection c, EngineSettings s) throws java.sql.SQLException {
        return Boolean.TRUE.equals(Sql.ctx(c).fetchValue("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
                + "AND classid = ?::oid AND objid = ?::oid AND objsubid = 2 AND granted AND database = "
                + "(SELECT oid FROM pg_database WHERE datname = current_database()))", CLASS_ID & 0xffffffffL, OBJECT_ID));
    }

    static AdvisoryLock acquire(EngineSettings s, String verb) {
        Connection c = Connections.open(s);
        try {
            Sql.ctx(c).fetch("SELECT set_config('application_name', ?, false)", APPLICATION);
            if (Boolean.TRUE.equals(TRY_LOCK.fetchValue(c))) {
                return new AdvisoryLock(c);
            }
            Record holder = Sql.ctx(c).fetchOne("SELECT a.pid, a.usename, a.client_addr::text, a.backend_start "
                    + "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    + "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ?::int::oid AND l.objid = ?::int::oid "
                    + "AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                    CLASS_ID, OBJECT_ID);
            String who = holder == null ? "another session"
                    : "session " + holder.get(0) + " of " + holder.get(1)
                            + (holder.get(2) == null ? "" : " from " + holder.get(2)) + " since " + holder.get(3);
            release(c, false);
            throw new MigrationException(Code.LOCKED, "cannot " + verb + ": another migration run holds this database's "
                    + "migration lock (" + who + "); wait for it to finish, nothing was changed");
        } catch (RuntimeException e) {
            if (e instanceof MigrationException m) {
                throw m;
            }
            // Whether the lock was granted before the failure is unknown: release() checks pg_locks itself.
            release(c, false);
            throw Errors.translate(s, "cannot take the migration lock", e);
        }
    }

    @Override
    public void close() {
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
                boolean unlocked = !held || Boolean.TRUE.equals(UNLOCK.fetchValue(c));
                // Session-level advisory locks stack: a session that took it twice still holds it once.
                boolean stillHeld = Boolean.TRUE.equals(Sql.ctx(c).fetchValue("SELECT EXISTS (SELECT 1 FROM pg_locks "
                        + "WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND classid = ?::int::oid "
                        + "AND objid = ?::int::oid AND objsubid = 2)", CLASS_ID, OBJECT_ID));
                if (unlocked && !stillHeld) {
                    Sql.execute(c, "RESET application_name");
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
