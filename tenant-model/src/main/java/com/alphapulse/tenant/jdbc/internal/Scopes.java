package com.alphapulse.tenant.jdbc.internal;

import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.tenant.TenantException;
import com.alphapulse.tenant.TenantId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;
import com.alphapulse.tenant.jdbc.spi.TransactionJoin;
import org.jooq.Configuration;
import org.jooq.ConnectionProvider;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.DataSourceConnectionProvider;
import org.jooq.impl.DefaultConnectionProvider;
import org.jooq.impl.DefaultTransactionProvider;

/**
 * Opens and closes tenant scopes. The tenant is always set with {@code set_config(..., true)}, i.e. local to
 * the current transaction, so PostgreSQL itself forgets it at commit or rollback and a pooled connection can
 * never hand it to its next user.
 */
public final class Scopes {

    /** JDBC work that may fail with the driver's checked exception. */
    @FunctionalInterface
    public interface SqlWork<T> {
        /** Does the work on {@code connection}. */
        T apply(Connection connection) throws SQLException;
    }

    private static final String SET_TENANT = "SELECT set_config(?, ?, ?)";
    private static final String READ_TENANT = "SELECT current_setting(?, true)";

    /**
     * The scope the thread is in: its tenant, the connection its transaction runs on, and the data source that
     * connection came from (null when the caller supplied the connection), so that a nested scope of the same
     * tenant can join that transaction instead of taking a second connection. What isolates tenants is the
     * database setting, not this.
     */
    private record Frame(TenantId tenant, DataSource dataSource, Connection connection) {}

    private static final ThreadLocal<Frame> ACTIVE = new ThreadLocal<>();

    private Scopes() {}

    /** The tenant whose scope the current thread is in, if any. */
    public static Optional<TenantId> current() {
        return Optional.ofNullable(ACTIVE.get()).map(Frame::tenant);
    }

    /**
     * Runs {@code work} as {@code tenant} in the caller's transaction on {@code dataSource} when there is one
     * (lent by a join, or the enclosing scope's), else in a transaction of its own on a connection of its own.
     */
    public static <T> T onDataSource(DataSource dataSource, TenantId tenant, SqlWork<T> work) {
        requireArguments(dataSource, tenant, work);
        Frame outer = enclosing(tenant);
        try {
            // The join first: inside the enclosing scope the caller may have started another transaction
            // (Spring's REQUIRES_NEW), and the scope belongs in the current one, not the suspended one.
            Optional<TransactionJoin.Joined> joined = Joins.join(dataSource);
            if (joined.isPresent()) {
                try (TransactionJoin.Joined lent = joined.get()) {
                    Connection connection = lent.connection();
                    if (outer != null && outer.connection() == connection) {
                        // The enclosing scope set this tenant on this connection and is still running.
                        return work.apply(connection);
                    }
                    ACTIVE.set(new Frame(tenant, dataSource, connection));
                    return connection.getAutoCommit()
                            ? inOwnTransaction(connection, tenant, work)
                            : inCallersTransaction(connection, tenant, work);
                }
            }
            if (outer != null && outer.dataSource() == dataSource) {
                return work.apply(outer.connection());
            }
            refuseSecondConnection(outer, tenant);
            try (Connection connection = dataSource.getConnection()) {
                ACTIVE.set(new Frame(tenant, dataSource, connection));
                return inOwnTransaction(connection, tenant, work);
            }
        } catch (SQLException e) {
            throw translate(tenant, e);
        } finally {
            exit(outer);
        }
    }

    /** Runs {@code work} as {@code tenant} on the caller's {@code connection}, which stays open. */
    public static <T> T onConnection(Connection connection, TenantId tenant, SqlWork<T> work) {
        requireArguments(connection, tenant, work);
        Frame outer = enclosing(tenant);
        try {
            boolean autoCommit = connection.getAutoCommit();
            if (outer != null && outer.connection() != connection && autoCommit) {
                // Its own transaction on another connection would commit whatever the enclosing scope does.
                refuseSecondConnection(outer, tenant);
            }
            ACTIVE.set(new Frame(tenant, null, connection));
            // With auto-commit off the caller (or an enclosing scope) has a transaction this scope must not end.
            return autoCommit
                    ? inOwnTransaction(connection, tenant, work)
                    : inCallersTransaction(connection, tenant, work);
        } catch (SQLException e) {
            throw translate(tenant, e);
        } finally {
            exit(outer);
        }
    }

    /**
     * Runs {@code work} as {@code tenant} in the caller's transaction when {@code dsl} is on one (lent by a join,
     * the enclosing scope's, or {@code DSL.using} a connection with auto-commit off), else in a jOOQ transaction.
     */
    public static <T> T onDsl(DSLContext dsl, TenantId tenant, Function<DSLContext, T> work) {
        requireArguments(dsl, tenant, work);
        Frame outer = enclosing(tenant);
        try {
            Connection plain = plainConnection(dsl);
            ConnectionProvider provider = dsl.configuration().connectionProvider();
            DataSource source = provider instanceof DataSourceConnectionProvider p ? p.dataSource() : null;
            boolean ownTransactions = configuredTransactions(dsl);
            if (source != null && !ownTransactions) {
                Optional<TransactionJoin.Joined> joined = Joins.join(source);
                if (joined.isPresent()) {
                    try (TransactionJoin.Joined lease = joined.get()) {
                        Connection connection = lease.connection();
                        if (outer != null && outer.connection() == connection) {
                            return work.apply(lent(dsl, connection));
                        }
                        return inLentConnection(dsl, source, connection, tenant, work);
                    }
                }
            }
            if (outer != null && (outer.connection() == plain || source != null && outer.dataSource() == source)) {
                // On the enclosing scope's connection: jOOQ would take that transaction for a top-level one of its
                // own and commit it halfway through the enclosing scope, or take a second connection.
                return work.apply(lent(dsl, outer.connection()));
            }
            if (plain != null && !ownTransactions && !plain.getAutoCommit()) {
                // DSL.using(connection) in the caller's JDBC transaction: jOOQ cannot tell it from none and would
                // commit it as a top-level transaction of its own.
                return inLentConnection(dsl, null, plain, tenant, work);
            }
            refuseSecondConnection(outer, tenant);
            // transactionResult honours whatever TransactionProvider the caller configured (savepoints when nested).
            return dsl.transactionResult(configuration -> configuration.dsl().connectionResult(connection -> {
                ACTIVE.set(new Frame(tenant, source, connection));
                return inJooqTransaction(configuration.dsl(), tenant, work);
            }));
        } catch (SQLException e) {
            throw translate(tenant, e);
        } catch (DataAccessException e) {
            if (!Failures.fromDatabase(e)) {
                // jOOQ's own failures (no row, too many rows, a conversion) are the caller's to see unchanged.
                throw e;
            }
            throw translate(tenant, e);
        } finally {
            exit(outer);
        }
    }

    /**
     * jOOQ work on the caller's connection: in the caller's transaction when it has one (then a jOOQ transaction
     * inside the work is a savepoint, never a commit), else in a jOOQ transaction of its own on that connection.
     */
    private static <T> T inLentConnection(DSLContext dsl, DataSource source, Connection connection, TenantId tenant,
            Function<DSLContext, T> work) throws SQLException {
        ACTIVE.set(new Frame(tenant, source, connection));
        if (!connection.getAutoCommit()) {
            return inJooqTransaction(lent(dsl, connection), tenant, work);
        }
        Configuration own = dsl.configuration().derive(new DefaultConnectionProvider(connection))
                .derive(new DefaultTransactionProvider(new DefaultConnectionProvider(connection)));
        return own.dsl().transactionResult(configuration -> inJooqTransaction(configuration.dsl(), tenant, work));
    }

    /** {@code dsl}'s settings on the caller's {@code connection}, whose transaction jOOQ must never end. */
    private static DSLContext lent(DSLContext dsl, Connection connection) {
        return dsl.configuration().derive(new DefaultConnectionProvider(connection))
                .derive(new SavepointTransactions(connection)).dsl();
    }

    /**
     * Whether the caller gave {@code dsl} a transaction provider of its own (e.g. one backed by Spring's transaction
     * manager), which then decides how a scope's transaction relates to the caller's.
     */
    private static boolean configuredTransactions(DSLContext dsl) {
        return !(dsl.configuration().transactionProvider() instanceof DefaultTransactionProvider);
    }

    /**
     * A second connection while the thread is in a scope would run outside the enclosing scope's transaction,
     * committing on its own, and on a pool of one wait for the connection the enclosing scope holds.
     */
    private static void refuseSecondConnection(Frame outer, TenantId tenant) {
        if (outer != null) {
            throw new TenantException(TenantException.Code.OUTER_TRANSACTION, "a scope of tenant " + tenant
                    + " is already open on this thread on another connection; a second connection would commit"
                    + " on its own: run the nested scope on the enclosing scope's connection, data source or"
                    + " DSLContext");
        }
    }

    /**
     * Within a jOOQ transaction, which is a savepoint when the caller already has one: RELEASE SAVEPOINT keeps
     * a transaction-local setting, so it is put back, or the rest of the caller's transaction would run as this
     * tenant. After a failure jOOQ rolls back (to the savepoint), which restores the setting by itself.
     */
    private static <T> T inJooqTransaction(DSLContext tx, TenantId tenant, Function<DSLContext, T> work) {
        String before = tx.fetchValue(DSL.field("current_setting({0}, true)", String.class,
                DSL.val(AlphaPulseSchema.TENANT_SETTING)));
        setTenant(tx, tenant.toString());
        T result;
        try {
            result = work.apply(tx);
        } catch (Throwable failure) {
            try {
                setTenant(tx, before);
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
            throw failure;
        }
        setTenant(tx, before);
        return result;
    }

    /** The connection of a {@code DSL.using(connection)} context, without touching a data source. */
    private static Connection plainConnection(DSLContext dsl) {
        return dsl.configuration().connectionProvider() instanceof DefaultConnectionProvider p ? p.acquire() : null;
    }

    /**
     * The scope owns the connection's transaction whatever auto-commit mode it arrived in: a pool configured
     * with auto-commit off hands out connections with no transaction of anyone's, and would roll back work
     * left uncommitted when the connection is closed.
     */
    private static <T> T inOwnTransaction(Connection connection, TenantId tenant, SqlWork<T> work)
            throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        if (autoCommit) {
            connection.setAutoCommit(false);
        }
        T result;
        try {
            setTenant(connection, tenant.toString());
            result = work.apply(connection);
            connection.commit();
        } catch (Throwable failure) {
            rollbackQuietly(connection, failure);
            if (autoCommit) {
                restoreAutoCommitQuietly(connection, failure);
            }
            throw failure;
        }
        if (autoCommit) {
            connection.setAutoCommit(true);
        }
        return result;
    }

    /**
     * The caller (or an enclosing scope of the same tenant) owns the transaction, so it must not be committed
     * here; instead the setting is put back to what it was, so that the tenant does not outlive this scope for
     * the rest of the caller's transaction.
     */
    private static <T> T inCallersTransaction(Connection connection, TenantId tenant, SqlWork<T> work)
            throws SQLException {
        String before = readTenant(connection);
        setTenant(connection, tenant.toString());
        T result;
        try {
            result = work.apply(connection);
        } catch (Throwable failure) {
            // After an SQL error the transaction is aborted and this fails too; the caller's rollback then
            // discards the transaction-local setting anyway.
            try {
                setTenant(connection, before);
            } catch (SQLException | RuntimeException e) {
                failure.addSuppressed(e);
            }
            throw failure;
        }
        setTenant(connection, before);
        return result;
    }

    private static void setTenant(DSLContext tx, String value) {
        tx.resultQuery("select set_config({0}, {1}, true)",
                DSL.val(AlphaPulseSchema.TENANT_SETTING), DSL.val(value, String.class)).fetch();
    }

    private static void setTenant(Connection connection, String value) throws SQLException {
        setTenant(connection, value, true);
    }

    /**
     * Sets the tenant on {@code connection}, with bind parameters: for the current transaction ({@code local}), or for
     * the session (a {@code TenantDataSource} connection in auto-commit mode). The one JDBC statement that does it.
     */
    static void setTenant(Connection connection, String value, boolean local) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SET_TENANT)) {
            ps.setString(1, AlphaPulseSchema.TENANT_SETTING);
            ps.setString(2, value);
            ps.setBoolean(3, local);
            ps.executeQuery().close();
        }
    }

    private static String readTenant(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(READ_TENANT)) {
            ps.setString(1, AlphaPulseSchema.TENANT_SETTING);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static void rollbackQuietly(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private static void restoreAutoCommitQuietly(Connection connection, Throwable failure) {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** The scope the thread is already in, after refusing one of another tenant. */
    private static Frame enclosing(TenantId tenant) {
        Frame active = ACTIVE.get();
        if (active != null && !active.tenant().equals(tenant)) {
            throw new TenantException(TenantException.Code.NESTED_SCOPE, "cannot open a scope for tenant " + tenant
                    + " inside the scope of tenant " + active.tenant() + " on the same thread");
        }
        return active;
    }

    private static void exit(Frame outer) {
        if (outer == null) {
            ACTIVE.remove();
        } else {
            ACTIVE.set(outer);
        }
    }

    private static void requireArguments(Object target, TenantId tenant, Object work) {
        if (tenant == null) {
            throw new TenantException(TenantException.Code.INVALID_TENANT_ID, "a tenant id is required, got null");
        }
        if (target == null || work == null) {
            throw new TenantException(TenantException.Code.INVALID_ARGUMENT,
                    "a tenant scope needs a data source, connection or DSLContext, and the work to run");
        }
    }

    /** Database failures of scopes are translated in one place, shared with the repository and TenantErrors. */
    private static TenantException translate(TenantId tenant, Exception e) {
        return Failures.translate(tenant, e);
    }
}
