package com.alphapulse.tenant.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayDeque;
import java.util.Deque;
import org.jooq.TransactionContext;
import org.jooq.TransactionProvider;
import org.jooq.exception.DataAccessException;

/**
 * The transaction provider of a jOOQ context lent the caller's transaction: every jOOQ transaction started in it is
 * a savepoint, never a commit, because the transaction belongs to the caller (Spring's, or the JDBC caller's).
 */
final class SavepointTransactions implements TransactionProvider {

    private final Connection connection;
    private final Deque<Savepoint> open = new ArrayDeque<>();

    SavepointTransactions(Connection connection) {
        this.connection = connection;
    }

    @Override
    public void begin(TransactionContext ctx) {
        try {
            open.push(connection.setSavepoint());
        } catch (SQLException e) {
            throw new DataAccessException("cannot set a savepoint in the caller's transaction", e);
        }
    }

    @Override
    public void commit(TransactionContext ctx) {
        try {
            connection.releaseSavepoint(open.pop());
        } catch (SQLException e) {
            throw new DataAccessException("cannot release a savepoint in the caller's transaction", e);
        }
    }

    @Override
    public void rollback(TransactionContext ctx) {
        if (open.isEmpty()) {
            return;
        }
        try {
            connection.rollback(open.pop());
        } catch (SQLException e) {
            throw new DataAccessException("cannot roll back to a savepoint in the caller's transaction", e);
        }
    }
}
