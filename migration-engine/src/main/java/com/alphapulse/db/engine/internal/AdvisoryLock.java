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
 */
final class AdvisoryLock implements AutoCloseable {

    /** "APDB". */
    static final int CLASS_ID = 0x41504442;
    static final int OBJECT_ID = 1;

    private final Connection connection;

    private AdvisoryLock(Connection connection) {
        this.connection = connection;
    }

    static AdvisoryLock acquire(EngineSettings s, String verb) {
        Connection c = Connections.open(s);
        try {
            Sql.ctx(c).execute("SET application_name = 'alphapulse-migration-engine lock'");
            if (Boolean.TRUE.equals(Sql.ctx(c).fetchValue("SELECT pg_try_advisory_lock(?, ?)", CLASS_ID, OBJECT_ID))) {
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
            Connections.closeQuietly(c);
            throw new MigrationException(Code.LOCKED, "cannot " + verb + ": another migration run holds this database's "
                    + "migration lock (" + who + "); wait for it to finish, nothing was changed");
        } catch (RuntimeException e) {
            Connections.closeQuietly(c);
            if (e instanceof MigrationException m) {
                throw m;
            }
            throw Errors.translate(s, "cannot take the migration lock", e);
        }
    }

    @Override
    public void close() {
        try {
            if (!connection.isClosed()) {
                Sql.ctx(connection).fetch("SELECT pg_advisory_unlock(?, ?)", CLASS_ID, OBJECT_ID);
            }
        } catch (SQLException | RuntimeException ignored) {
            // closing the session below releases a session-level lock anyway
        } finally {
            Connections.closeQuietly(connection);
        }
    }
}
