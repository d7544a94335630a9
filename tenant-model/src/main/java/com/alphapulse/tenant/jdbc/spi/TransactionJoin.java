package com.alphapulse.tenant.jdbc.spi;

import java.sql.Connection;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Lends a tenant scope the connection of a transaction the current thread already holds, so that the scope sets
 * its tenant on that transaction instead of taking a second connection that would commit on its own (and, on a
 * pool of one, wait forever for the connection the caller holds).
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/com.alphapulse.tenant.jdbc.spi.TransactionJoin} entry) and asked in that order, after
 * tenant-model's own {@link com.alphapulse.tenant.jdbc.TenantDataSource}; the first that answers wins.
 */
public interface TransactionJoin {

    /**
     * The caller's transaction on {@code dataSource}, when the current thread holds one this implementation
     * manages; empty when it knows of no transaction on this thread.
     *
     * @throws com.alphapulse.tenant.TenantException with code
     *     {@link com.alphapulse.tenant.TenantException.Code#OUTER_TRANSACTION} when the thread is in a transaction
     *     this implementation manages that holds no connection of {@code dataSource}: a scope there could only
     *     commit on its own, outside the caller's transaction
     */
    Optional<Joined> join(DataSource dataSource);

    /** The connection of the caller's transaction, lent to one scope. */
    interface Joined extends AutoCloseable {

        /** The caller's connection, in its transaction; the scope never commits, rolls back or closes it. */
        Connection connection();

        /** Gives the connection back to its owner; never ends the owner's transaction. */
        @Override
        void close();
    }
}
