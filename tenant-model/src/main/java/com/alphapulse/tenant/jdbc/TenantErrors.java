package com.alphapulse.tenant.jdbc;

import com.alphapulse.tenant.TenantException;
import com.alphapulse.tenant.jdbc.internal.Failures;
import com.alphapulse.tenant.jdbc.internal.Scopes;
import org.jooq.ExecuteListener;

/**
 * The translation {@link TenantScope} applies to database failures, for code that runs outside a scope: an
 * unscoped query of a tenant table, which fails with {@link TenantException.Code#NO_TENANT_SCOPE}, or any
 * statement on a table that has no tenant.
 *
 * <pre>{@code
 * DSLContext dsl = DSL.using(new DefaultConfiguration().set(dataSource).set(SQLDialect.POSTGRES)
 *         .set(TenantErrors.jooqListener()));
 * try { ... } catch (SQLException e) { throw TenantErrors.translate(e); }
 * }</pre>
 *
 * <p>Codes: {@code NO_TENANT_SCOPE} (SQLState AP001), {@code ROW_SECURITY_VIOLATION} and {@code ACCESS_DENIED}
 * (both 42501, told apart by the server routine that raised the error when the driver is pgjdbc, else by the
 * English message), {@code FOREIGN_KEY_VIOLATION} (23503), {@code UNIQUE_VIOLATION} (23505),
 * {@code CONSTRAINT_VIOLATION} (the rest of class 23: NOT NULL, CHECK, exclusion), {@code RETRYABLE} (40001,
 * 40P01: run the whole transaction again), else {@code DATABASE_ERROR}. The exception carries the SQLState and
 * the table, constraint and column the server named; its message is the server's primary message with the
 * SQLState, and the tenant when the failure happened in a scope, never SQL text or values; the cause is the
 * original exception.
 */
public final class TenantErrors {

    private TenantErrors() {}

    /**
     * A jOOQ listener that replaces the exception of a statement that failed in the database by its
     * {@link TenantException}. Failures outside statements (acquiring a connection, a commit) still arrive as
     * jOOQ's {@code DataAccessException}: {@link #translate} them.
     */
    public static ExecuteListener jooqListener() {
        return Failures.jooqListener();
    }

    /**
     * {@code failure} (a {@link java.sql.SQLException}, jOOQ's {@code DataAccessException}, or anything with
     * one in its cause chain) as a {@link TenantException}; one is returned as is, and a failure without a
     * database cause becomes {@link TenantException.Code#DATABASE_ERROR}.
     */
    public static TenantException translate(Throwable failure) {
        if (failure == null) {
            throw new TenantException(TenantException.Code.INVALID_ARGUMENT, "a failure to translate is required");
        }
        return Failures.translate(Scopes.current().orElse(null), failure);
    }
}
