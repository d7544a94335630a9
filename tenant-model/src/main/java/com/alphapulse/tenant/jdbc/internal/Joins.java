package com.alphapulse.tenant.jdbc.internal;

import com.alphapulse.tenant.jdbc.spi.TransactionJoin;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import javax.sql.DataSource;

/**
 * Finds the caller's transaction a scope on a data source should join: whatever a registered
 * {@link TransactionJoin} (Spring's, with tenant-model-spring) lends, else a connection the thread holds of a
 * {@code TenantDataSource}.
 */
final class Joins {

    // Loaded once: the class path does not change, and a scope must not scan it on every call.
    private static final List<TransactionJoin> REGISTERED = ServiceLoader
            .load(TransactionJoin.class, TransactionJoin.class.getClassLoader()).stream()
            .map(ServiceLoader.Provider::get).toList();

    private Joins() {}

    static Optional<TransactionJoin.Joined> join(DataSource dataSource) throws SQLException {
        // Registered joins first: a transaction manager that took its connection from a TenantDataSource knows
        // which of the thread's connections is the current transaction's (REQUIRES_NEW holds two).
        for (TransactionJoin join : REGISTERED) {
            Optional<TransactionJoin.Joined> joined = join.join(dataSource);
            if (joined.isPresent()) {
                return joined;
            }
        }
        if (dataSource.isWrapperFor(TenantConnections.class)) {
            Optional<Connection> held = dataSource.unwrap(TenantConnections.class).heldByThisThread();
            if (held.isPresent()) {
                return Optional.of(lent(held.get()));
            }
        }
        return Optional.empty();
    }

    private static TransactionJoin.Joined lent(Connection connection) {
        return new TransactionJoin.Joined() {
            @Override
            public Connection connection() {
                return connection;
            }

            @Override
            public void close() {
                // The caller took it and closes it.
            }
        };
    }
}
