package com.alphapulse.db.engine.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens the engine's connections; a failure becomes {@code CONNECTION_FAILED} without a stack of causes. */
final class Connections {

    private Connections() {}

    static Connection open(EngineSettings s) {
        try {
            Connection c = s.dataSource().getConnection();
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            throw Errors.connectFailed(s, e);
        }
    }

    /** Closes quietly: used on paths that already report a failure. */
    static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // the connection is gone or broken; the caller reports the original failure
        }
    }

    /** Rolls back quietly, for the same reason. */
    static void rollbackQuietly(Connection c) {
        try {
            if (c != null && !c.isClosed() && !c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // a terminated session has nothing left to roll back
        }
    }
}
