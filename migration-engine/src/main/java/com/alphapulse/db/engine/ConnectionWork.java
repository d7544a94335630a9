package com.alphapulse.db.engine;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work on one of the engine's connections, for a module built on the engine (demo data, the rehearsal) that
 * needs plain SQL next to the engine's verbs; see {@link MigrationEngine#withConnection} and
 * {@link MigrationEngine#withLock}.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface ConnectionWork<T> {

    /** Runs on {@code connection}, which is in auto-commit mode and is closed by the engine afterwards. */
    T run(Connection connection) throws SQLException;
}
