package com.alphapulse.db.engine.internal;

import com.alphapulse.db.engine.ConnectionWork;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Plain SQL for the modules built on the engine, with the engine's connection handling, migration lock and
 * error translation (SQLSTATE to code, the password scrubbed), so their failures read like the engine's own.
 */
public final class EngineConnections {

    private EngineConnections() {}

    /** {@code work} on a fresh connection; any failure becomes a MigrationException "cannot {@code verb}: ...". */
    public static <T> T withConnection(EngineSettings s, String verb, ConnectionWork<T> work) {
        Connection c = Connections.open(s);
        try {
            return work.run(c);
        } catch (SQLException | RuntimeException e) {
            Connections.rollbackQuietly(c);
            throw Errors.translate(s, "cannot " + verb, e);
        } finally {
            Connections.closeQuietly(c);
        }
    }

    /** {@link #withConnection} while this run holds the database's migration lock; LOCKED when another does. */
    // The advisory lock is held by scope alone: try-with-resources releases it however the work ends.
    @SuppressWarnings("try")
    public static <T> T withLock(EngineSettings s, String verb, ConnectionWork<T> work) {
        try (AdvisoryLock lock = AdvisoryLock.acquire(s, verb)) {
            return withConnection(s, verb, work);
        }
    }
}
