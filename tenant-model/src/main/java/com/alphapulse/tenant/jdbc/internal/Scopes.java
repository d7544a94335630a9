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
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

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

    private static final String SET_TENANT = "SELECT set_config(?, ?, true)";
    private static final String READ_TENANT = "SELECT current_setting(?, true)";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    // Only for refusing a nested scope of another tenant; what isolates is the database setting, not this.
    private static final ThreadLocal<TenantId> ACTIVE = new ThreadLocal<>();

    private Scopes() {}

    /** The tenant whose scope the current thread is in, if any. */
    public static Optional<TenantId> current() {
        return Optional.ofNullable(ACTIVE.get());
    }

    /** Runs {@code work} as {@code tenant} on a connection of its own from {@code dataSource}. */
    public static <T> T onDataSource(DataSource dataSource, TenantId tenant, SqlWork<T> work) {
        requireArguments(dataSource, tenant, work);
        TenantId outer = enter(tenant);
        try (Connection connection = dataSource.getConnection()) {
            return inTransaction(connection, tenant, work);
        } catch (SQLException e) {
            throw translate(tenant, e);
        } finally {
            exit(outer);
        }
    }

    /** Runs {@code work} as {@code tenant} on the caller's {@code connection}, which stays open. */
    public static <T> T onConnection(Connection connection, TenantId tenant, SqlWork<T> work) {
        requireArguments(connection, tenant, work);
        TenantId outer = enter(tenant);
        try {
            return inTransaction(connection, tenant, work);
        } catch (SQLException e) {
            throw translate(tenant, e);
        } finally {
            exit(outer);
        }
    }

    /** Runs {@code work} as {@code tenant} in a jOOQ transaction of {@code dsl}. */
    public static <T> T onDsl(DSLContext dsl, TenantId tenant, Function<DSLContext, T> work) {
        requireArguments(dsl, tenant, work);
        TenantId outer = enter(tenant);
        try {
            // transactionResult honours whatever TransactionProvider the caller configured (savepoints when nested).
            return dsl.transactionResult(configuration -> {
                DSLContext tx = configuration.dsl();
                tx.resultQuery("select set_config({0}, {1}, true)",
                        DSL.val(AlphaPulseSchema.TENANT_SETTING), DSL.val(tenant.toString())).fetch();
                return work.apply(tx);
            });
        } finally {
            exit(outer);
        }
    }

    private static <T> T inTransaction(Connection connection, TenantId tenant, SqlWork<T> work) throws SQLException {
        if (!connection.getAutoCommit()) {
            return inCallersTransaction(connection, tenant, work);
        }
        connection.setAutoCommit(false);
        T result;
        try {
            setTenant(connection, tenant.toString());
            result = work.apply(connection);
            connection.commit();
        } catch (Throwable failure) {
            rollbackQuietly(connection, failure);
            restoreAutoCommitQuietly(connection, failure);
            throw failure;
        }
        connection.setAutoCommit(true);
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

    private static void setTenant(Connection connection, String value) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SET_TENANT)) {
            ps.setString(1, AlphaPulseSchema.TENANT_SETTING);
            ps.setString(2, value);
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

    private static TenantId enter(TenantId tenant) {
        TenantId active = ACTIVE.get();
        if (active != null && !active.equals(tenant)) {
            throw new TenantException(TenantException.Code.NESTED_SCOPE, "cannot open a scope for tenant " + tenant
                    + " inside the scope of tenant " + active + " on the same thread");
        }
        ACTIVE.set(tenant);
        return active;
    }

    private static void exit(TenantId outer) {
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

    private static TenantException translate(TenantId tenant, SQLException e) {
        TenantException.Code code = INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())
                ? TenantException.Code.ACCESS_DENIED
                : TenantException.Code.DATABASE_ERROR;
        return new TenantException(code, "in the scope of tenant " + tenant + ": " + e.getMessage(), e);
    }
}
