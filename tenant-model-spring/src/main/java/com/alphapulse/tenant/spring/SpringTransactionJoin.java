package com.alphapulse.tenant.spring;

import com.alphapulse.tenant.TenantException;
import com.alphapulse.tenant.jdbc.TenantDataSource;
import com.alphapulse.tenant.jdbc.spi.TransactionJoin;
import java.sql.Connection;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Lends a tenant scope the connection of the Spring transaction the thread is in ({@code @Transactional},
 * {@code TransactionTemplate}; any transaction manager that binds a JDBC connection to the thread, as
 * {@code DataSourceTransactionManager} and {@code JpaTransactionManager} do), so that the scope sets its tenant on
 * that transaction and leaves commit and rollback to Spring.
 *
 * <p>The data source the scope is given may be the one the transaction manager uses, or a
 * {@link DelegatingDataSource} or {@link TenantDataSource} in front of it, such as
 * {@code TransactionAwareDataSourceProxy} (which would otherwise hand the scope Spring's connection to commit).
 * In an active Spring transaction that holds a JDBC connection, but none of that data source (a second data
 * source), the scope is refused with {@link TenantException.Code#OUTER_TRANSACTION}: a connection of its own would
 * commit whatever the Spring transaction later does. Outside an active transaction, or in one that holds no JDBC
 * connection at all (a Kafka or JMS transaction alone; JTA, whose connections are not bound this way, is not
 * supported), it answers nothing and the scope runs its own transaction, as without Spring. Inside a
 * {@code REQUIRES_NEW} transaction the scope joins that one, not the suspended one.
 *
 * <p>Registered with {@link java.util.ServiceLoader}; services never call it.
 */
public final class SpringTransactionJoin implements TransactionJoin {

    /** For {@link java.util.ServiceLoader}. */
    public SpringTransactionJoin() {}

    @Override
    public Optional<Joined> join(DataSource dataSource) {
        if (!TransactionSynchronizationManager.isActualTransactionActive() || !holdsAnyConnection()) {
            // No transaction, or one that holds no JDBC connection at all (a Kafka or JMS transaction alone):
            // nothing of the caller's for the scope to join or to bypass.
            return Optional.empty();
        }
        for (DataSource candidate = dataSource; candidate != null; candidate = target(candidate)) {
            if (TransactionSynchronizationManager.getResource(candidate) instanceof ConnectionHolder holder
                    && holder.getConnectionHandle() != null) {
                DataSource bound = candidate;
                // Through DataSourceUtils, so Spring counts the scope as a user of its connection.
                Connection connection = DataSourceUtils.getConnection(bound);
                return Optional.of(new Joined() {
                    @Override
                    public Connection connection() {
                        return connection;
                    }

                    @Override
                    public void close() {
                        DataSourceUtils.releaseConnection(connection, bound);
                    }
                });
            }
        }
        throw new TenantException(TenantException.Code.OUTER_TRANSACTION, "the thread is in a Spring transaction"
                + " that holds no connection of this data source; a tenant scope on it would commit on its own:"
                + " give the scope the data source the transaction manager uses");
    }

    private static boolean holdsAnyConnection() {
        return TransactionSynchronizationManager.getResourceMap().values().stream()
                .anyMatch(resource -> resource instanceof ConnectionHolder holder && holder.getConnectionHandle() != null);
    }

    private static DataSource target(DataSource dataSource) {
        if (dataSource instanceof TenantDataSource tenantAware) {
            return tenantAware.target();
        }
        return dataSource instanceof DelegatingDataSource delegating ? delegating.getTargetDataSource() : null;
    }
}
