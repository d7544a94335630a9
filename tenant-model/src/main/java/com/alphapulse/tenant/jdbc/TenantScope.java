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
 * <p><b>Transactions.</b> A scope sets the tenant on the transaction the caller already has, and otherwise runs one
 * of its own; it never takes a second connection while the thread holds a transaction, and never commits the
 * caller's:
 * <ul>
 * <li>On a {@link Connection} with auto-commit off the caller owns a transaction: the scope joins it, leaves commit
 * to the caller, and puts the setting back to its earlier value when the work ends. In auto-commit mode the scope
 * runs a transaction of its own on it and restores the mode.</li>
 * <li>On a {@link DataSource} the scope joins, in this order: the Spring transaction the thread is in
 * ({@code @Transactional}, {@code TransactionTemplate}; {@code REQUIRES_NEW}'s own, not the suspended one) when
 * tenant-model-spring is on the class path (also through {@code TransactionAwareDataSourceProxy}); the connection
 * of a {@link TenantDataSource} the thread holds; the enclosing scope's connection when that came from the same
 * data source. Otherwise it takes a connection, turns auto-commit off
 * whatever mode the pool hands it out in (HikariCP's {@code autoCommit=false} included), commits, or rolls back
 * when the work throws, and closes it.</li>
 * <li>On a {@link DSLContext} on a data source the same joins apply (the work then gets a context on the caller's
 * connection in which a jOOQ transaction is a savepoint, never a commit); otherwise the scope is a jOOQ transaction,
 * a savepoint inside a jOOQ transaction the caller already has, through whatever {@code TransactionProvider} the
 * context was configured with (a Spring-backed one joins Spring's transaction by itself). It also puts the setting
 * back at its end, since releasing a savepoint keeps a transaction-local setting.</li>
 * <li>Where the scope would have to take a second connection, or run its own transaction on an auto-commit
 * connection, while the thread is in a transaction it cannot join (an enclosing scope on another connection; a
 * Spring transaction that holds a JDBC connection, but none of the scope's data source) it is refused with {@link TenantException.Code#OUTER_TRANSACTION} before it touches the database: on its
 * own connection its writes would commit whatever the caller's transaction does, and on a pool of one it would wait
 * for the connection the caller holds.</li>
 * </ul>
 * The tenant is always set with {@code set_config(..., true)} and bind parameters, local to the transaction, so
 * PostgreSQL drops it at commit or rollback: a pooled connection handed to the next caller never carries it.
 *
 * <p>{@code DSL.using(connection)} on a connection in a transaction the caller opened through JDBC (auto-commit
 * off) joins that transaction too: jOOQ alone could not tell it from none and would commit it as a top-level
 * transaction of its own, so the work gets a context on that connection in which a jOOQ transaction is a
 * savepoint. A context the caller configured with a {@code TransactionProvider} of its own is left to it.
 *
 * <p>Nesting: a scope of a different tenant on the same thread is refused with
 * {@link TenantException.Code#NESTED_SCOPE} before it touches the database. A scope of the same tenant joins the
 * enclosing scope's transaction: given the enclosing scope's data source (directly, or as the data source of its
 * {@link DSLContext}), its connection, its jOOQ context (as a savepoint) or {@code DSL.using} its connection.
 * Anything else is refused with {@link TenantException.Code#OUTER_TRANSACTION}.
 *
 * <p><b>Threads.</b> A scope belongs to the thread that opened it: the enclosing-scope check, {@link #current()} and
 * the joins above look at the current thread only. Work handed to another thread (an executor,
 * {@code CompletableFuture.supplyAsync}, a reactive scheduler) runs outside the scope: open a scope there, with
 * its own connection, and do not share a {@link Connection} between threads while either uses it.
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
     * in the caller's transaction when there is one (see above).
     */
    public static void run(DSLContext dsl, TenantId tenant, DslWork work) {
        Scopes.onDsl(dsl, tenant, work == null ? null : tx -> {
            work.run(tx);
            return null;
        });
    }

    /**
     * Runs {@code work} as {@code tenant} in a jOOQ transaction of {@code dsl} (a savepoint when already in one);
     * in the caller's transaction when there is one (see above).
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
