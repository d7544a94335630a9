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
 * <p>Each scope is one database transaction. On a {@link DataSource} the scope owns its connection's
 * transaction whatever auto-commit mode the pool hands connections out in (HikariCP's {@code autoCommit=false}
 * included): it turns auto-commit off, sets {@value #SETTING} with {@code set_config(..., true)} and bind
 * parameters, runs the work, commits, or rolls back when the work throws, and restores the auto-commit mode.
 * (A data source that hands out a connection already bound to someone's transaction, such as a
 * transaction-aware proxy, is therefore no fit; use the {@link Connection} overloads.) Because the setting is
 * transaction-local, PostgreSQL drops it at commit or rollback: a pooled connection handed to the next caller
 * never carries the previous tenant. On a {@link Connection} in auto-commit mode the scope does the same; on
 * one with auto-commit off the caller owns a transaction, so the scope joins it, leaves commit to the caller,
 * and puts the setting back to its earlier value when the work ends. On a {@link DSLContext} the scope is a
 * jOOQ transaction, a savepoint inside a jOOQ transaction the caller already has, and it also puts the setting
 * back at its end, since releasing a savepoint keeps a transaction-local setting.
 *
 * <p>{@code DSL.using(connection)} on a connection in a transaction the caller opened through JDBC (auto-commit
 * off): jOOQ cannot tell that transaction from none, takes it for a top-level one of its own, and commits it
 * when the scope ends (rolls it back when the work throws), together with whatever the caller had done in it
 * before. For work inside your own JDBC transaction use the {@link Connection} overloads and
 * {@code DSL.using(connection)} inside the work. The one such case this class can detect, the connection of an
 * enclosing scope, joins that scope instead (see below).
 *
 * <p>Nesting: a scope of a different tenant on the same thread is refused with
 * {@link TenantException.Code#NESTED_SCOPE} before it touches the database. A scope of the same tenant joins
 * the enclosing scope's transaction (it takes no second connection, and its writes commit or roll back with
 * the enclosing scope's) when it runs on the enclosing scope's connection: a {@link DataSource} overload given
 * the data source the enclosing scope took its connection from (directly, or as the data source of its
 * {@link DSLContext}); a {@link Connection} overload given the enclosing scope's connection; a
 * {@link DSLContext} overload given the enclosing jOOQ scope's context (as a savepoint) or
 * {@code DSL.using} the enclosing JDBC scope's connection. Anywhere else it is a scope of its own, on its own
 * connection, committed on its own.
 *
 * <p>Outside any scope a query of a tenant table fails with SQLState {@code AP001} ("no tenant in scope: set
 * app.current_tenant_id"): from migration 011 on the policies read the tenant through
 * {@code alphapulse_current_tenant()}, which raises it when {@value #SETTING} is unset or empty. That is the
 * same on a fresh session and on a pooled one that has been in a scope (where PostgreSQL keeps the variable
 * and reads it back as {@code ''}); under 008's policies the first saw no rows and the second failed with
 * 22P02. An insert inside a scope may leave tenant_id out: it defaults to the scope's tenant. Query tenant
 * tables inside a scope only; {@link TenantErrors} turns the unscoped failure into
 * {@link TenantException.Code#NO_TENANT_SCOPE}.
 *
 * <p>Failures: exceptions the work throws reach the caller unchanged, except database failures: a checked
 * {@link SQLException} from JDBC work, or jOOQ's {@code DataAccessException} from jOOQ work or from the scope's
 * own begin and commit, arrives as a {@link TenantException} whose cause is that original exception, with the
 * code {@link TenantErrors} describes: {@link TenantException.Code#ROW_SECURITY_VIOLATION} when a policy refused
 * a row (a row of another tenant), {@link TenantException.Code#ACCESS_DENIED} for a missing privilege (both
 * SQLState 42501, told apart by the server's routine, not its translatable message),
 * {@link TenantException.Code#FOREIGN_KEY_VIOLATION}, {@link TenantException.Code#UNIQUE_VIOLATION},
 * {@link TenantException.Code#CONSTRAINT_VIOLATION}, {@link TenantException.Code#RETRYABLE} (run the scope
 * again), else {@link TenantException.Code#DATABASE_ERROR}. {@link TenantException#sqlState()},
 * {@code table()}, {@code constraint()} and {@code column()} say what the server named. The message is
 * {@code in the scope of tenant <id>: <the server's primary message> (<SQLState>)}, never the SQL text, a bind
 * value or a row value (those stay in the cause). For code outside a scope, {@link TenantErrors} gives the same
 * translation ({@link TenantException.Code#NO_TENANT_SCOPE} for AP001).
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

    /**
     * Runs {@code work} as {@code tenant} in a transaction of its own on a connection taken from
     * {@code dataSource} and closed afterwards, or inside an enclosing scope on that data source, in its
     * transaction.
     */
    public static void run(DataSource dataSource, TenantId tenant, ConnectionWork work) {
        Scopes.onDataSource(dataSource, tenant, nothing(work));
    }

    /**
     * Runs {@code work} as {@code tenant} in a transaction of its own on a connection taken from
     * {@code dataSource} and closed afterwards, or inside an enclosing scope on that data source, in its
     * transaction.
     */
    public static <T> T call(DataSource dataSource, TenantId tenant, ConnectionCallable<T> work) {
        return Scopes.onDataSource(dataSource, tenant, work == null ? null : work::call);
    }

    /** Runs {@code work} as {@code tenant} on the caller's {@code connection} (see above), which is left open. */
    public static void run(Connection connection, TenantId tenant, ConnectionWork work) {
        Scopes.onConnection(connection, tenant, nothing(work));
    }

    /** Runs {@code work} as {@code tenant} on the caller's {@code connection} (see above), which is left open. */
    public static <T> T call(Connection connection, TenantId tenant, ConnectionCallable<T> work) {
        return Scopes.onConnection(connection, tenant, work == null ? null : work::call);
    }

    /**
     * Runs {@code work} as {@code tenant} in a jOOQ transaction of {@code dsl} (a savepoint when already in one);
     * never {@code DSL.using} a connection in the caller's JDBC transaction (see above).
     */
    public static void run(DSLContext dsl, TenantId tenant, DslWork work) {
        Scopes.onDsl(dsl, tenant, work == null ? null : tx -> {
            work.run(tx);
            return null;
        });
    }

    /**
     * Runs {@code work} as {@code tenant} in a jOOQ transaction of {@code dsl} (a savepoint when already in one);
     * never {@code DSL.using} a connection in the caller's JDBC transaction (see above).
     */
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
