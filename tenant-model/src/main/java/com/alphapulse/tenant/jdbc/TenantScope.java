package com.alphapulse.tenant.jdbc;

import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.tenant.TenantException;
import com.alphapulse.tenant.TenantId;
import com.alphapulse.tenant.jdbc.internal.Scopes;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.jooq.DSLContext;

/**
 * Runs a unit of work as one tenant, so that row-level security shows it that tenant's rows only and refuses
 * rows of any other tenant.
 *
 * <pre>{@code
 * List<String> symbols = TenantScope.call(dataSource, tenantId, connection -> {
 *     try (PreparedStatement ps = connection.prepareStatement("SELECT symbol FROM positions")) { ... }
 * });
 * }</pre>
 *
 * <p>Each scope is one database transaction: it begins one (on a connection in auto-commit mode), sets
 * {@value #SETTING} with {@code set_config(..., true)} and bind parameters, runs the work, commits, or rolls
 * back when the work throws. Because the setting is transaction-local, PostgreSQL drops it at commit or
 * rollback: a pooled connection handed to the next caller never carries the previous tenant. On a connection
 * already in a transaction the caller owns, the scope joins that transaction, leaves commit to the caller, and
 * puts the setting back to its earlier value when the work ends.
 *
 * <p>Scopes nest: a scope of the same tenant inside another runs as part of it; a scope of a different tenant
 * on the same thread is refused with {@link TenantException.Code#NESTED_SCOPE} before it touches the database.
 *
 * <p>Failures: exceptions the work throws reach the caller unchanged, except a checked {@link SQLException}
 * from JDBC work, which arrives as a {@link TenantException} (code {@link TenantException.Code#ACCESS_DENIED}
 * for SQLState 42501, which includes a row-level security violation, else
 * {@link TenantException.Code#DATABASE_ERROR}) whose cause is the driver's exception. The jOOQ variants leave
 * jOOQ's {@code DataAccessException} as it is.
 */
public final class TenantScope {

    /** The session setting row-level security reads the current tenant from. */
    public static final String SETTING = AlphaPulseSchema.TENANT_SETTING;

    /** JDBC work that returns nothing. */
    @FunctionalInterface
    public interface ConnectionWork {
        /** Does the work on {@code connection}; never commit, roll back or close it. */
        void run(Connection connection) throws SQLException;
    }

    /** JDBC work that returns a value. */
    @FunctionalInterface
    public interface ConnectionCallable<T> {
        /** Does the work on {@code connection}; never commit, roll back or close it. */
        T call(Connection connection) throws SQLException;
    }

    /** jOOQ work that returns nothing. */
    @FunctionalInterface
    public interface DslWork {
        /** Does the work with {@code dsl}, which is bound to the scope's transaction. */
        void run(DSLContext dsl);
    }

    /** jOOQ work that returns a value. */
    @FunctionalInterface
    public interface DslCallable<T> {
        /** Does the work with {@code dsl}, which is bound to the scope's transaction. */
        T call(DSLContext dsl);
    }

    private TenantScope() {}

    /** Runs {@code work} as {@code tenant} on a connection taken from {@code dataSource} and closed afterwards. */
    public static void run(DataSource dataSource, TenantId tenant, ConnectionWork work) {
        Scopes.onDataSource(dataSource, tenant, nothing(work));
    }

    /** Runs {@code work} as {@code tenant} on a connection taken from {@code dataSource} and closed afterwards. */
    public static <T> T call(DataSource dataSource, TenantId tenant, ConnectionCallable<T> work) {
        return Scopes.onDataSource(dataSource, tenant, work == null ? null : work::call);
    }

    /** Runs {@code work} as {@code tenant} on the caller's {@code connection}, which is left open. */
    public static void run(Connection connection, TenantId tenant, ConnectionWork work) {
        Scopes.onConnection(connection, tenant, nothing(work));
    }

    /** Runs {@code work} as {@code tenant} on the caller's {@code connection}, which is left open. */
    public static <T> T call(Connection connection, TenantId tenant, ConnectionCallable<T> work) {
        return Scopes.onConnection(connection, tenant, work == null ? null : work::call);
    }

    /** Runs {@code work} as {@code tenant} in a transaction of {@code dsl} (a savepoint when already in one). */
    public static void run(DSLContext dsl, TenantId tenant, DslWork work) {
        Scopes.onDsl(dsl, tenant, work == null ? null : tx -> {
            work.run(tx);
            return null;
        });
    }

    /** Runs {@code work} as {@code tenant} in a transaction of {@code dsl} (a savepoint when already in one). */
    public static <T> T call(DSLContext dsl, TenantId tenant, DslCallable<T> work) {
        return Scopes.onDsl(dsl, tenant, work == null ? null : work::call);
    }

    /** The tenant whose scope the current thread is in, if any. */
    public static Optional<TenantId> current() {
        return Scopes.current();
    }

    private static Scopes.SqlWork<Void> nothing(ConnectionWork work) {
        return work == null ? null : connection -> {
            work.run(connection);
            return null;
        };
    }
}
