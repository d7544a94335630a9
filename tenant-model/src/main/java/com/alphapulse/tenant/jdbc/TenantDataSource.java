package com.alphapulse.tenant.jdbc;

import com.alphapulse.tenant.TenantException;
import com.alphapulse.tenant.TenantId;
import com.alphapulse.tenant.jdbc.internal.TenantConnections;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source whose connections set the current tenant on every transaction they run, for frameworks that own
 * the transaction (Spring's {@code DataSourceTransactionManager}, JPA, jOOQ, a hand-written unit of work) and so
 * never call {@link TenantScope}:
 *
 * <pre>{@code
 * DataSource tenantAware = TenantDataSource.wrap(hikari, RequestTenant::current);  // Supplier<Optional<TenantId>>
 * new DataSourceTransactionManager(tenantAware);                                 // every @Transactional, as that tenant
 * }</pre>
 *
 * <p>Before the first statement of each transaction (and again after a commit, a rollback, or a rollback to a
 * savepoint, which may undo it) a connection asks {@code tenant} and sets it with {@code set_config(..., true)},
 * so PostgreSQL forgets it when that transaction ends. In auto-commit mode, where every statement is a
 * transaction of its own, it sets it for the session whenever it changes, and clears it when the connection is
 * closed, before the pool gets it back. An empty tenant sets nothing (a query of a tenant table then fails with
 * {@code AP001}, as outside any scope). The supplier runs on the thread that executes the statement.
 *
 * <p>The connections this data source hands out also let a {@link TenantScope} on it join the caller's
 * transaction: a scope given this data source while the thread holds one of its connections runs on that
 * connection (in the caller's transaction when auto-commit is off) instead of taking a second one. With plain
 * JDBC on a pool of one that is the difference between working and waiting for the pool's timeout. A connection
 * handed to another thread is not known there as held (see the README on thread hand-off).
 */
public final class TenantDataSource implements DataSource {

    private final DataSource target;
    private final TenantConnections connections;

    private TenantDataSource(DataSource target, Supplier<Optional<TenantId>> tenant) {
        this.target = target;
        this.connections = new TenantConnections(tenant);
    }

    /** Wraps {@code target}; {@code tenant} says which tenant the current thread works for, if any. */
    public static TenantDataSource wrap(DataSource target, Supplier<Optional<TenantId>> tenant) {
        if (target == null || tenant == null) {
            throw new TenantException(TenantException.Code.INVALID_ARGUMENT,
                    "a tenant-aware data source needs the data source to wrap and a supplier of the current tenant");
        }
        if (target instanceof TenantDataSource) {
            throw new TenantException(TenantException.Code.INVALID_ARGUMENT,
                    "the data source is tenant-aware already; wrapping it twice would set the tenant twice");
        }
        return new TenantDataSource(target, tenant);
    }

    /** The wrapped data source. */
    public DataSource target() {
        return target;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return connections.wrap(target.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return connections.wrap(target.getConnection(username, password));
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(connections)) {
            return iface.cast(connections);
        }
        return iface.isInstance(this) ? iface.cast(this) : target.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(connections) || iface.isInstance(this) || target.isWrapperFor(iface);
    }
}
