package com.alphapulse.tenant;

import java.util.Optional;

/**
 * Anything this module refuses or fails to do; {@link #code()} says which. When the database refused or
 * failed, {@link #sqlState()} is its SQLState and {@link #table()}, {@link #constraint()} and {@link #column()}
 * name what the server named. The message never holds SQL text, bind values or row values (the server's
 * primary message only, without its detail); the cause is the driver's or jOOQ's exception, with everything.
 */
public final class TenantException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, stable for callers that map it to a status or an exit code. */
    public enum Code {
        /** A tenant id is missing or not a canonical UUID. */
        INVALID_TENANT_ID,
        /** A value does not fit the tenants table (blank name, unknown tier, negative limit, ...). */
        INVALID_ARGUMENT,
        /** A tenant scope was opened inside the scope of a different tenant on the same thread. */
        NESTED_SCOPE,
        /**
         * A scope would have had to take a second connection while the thread is in a transaction it cannot join
         * (an enclosing scope on another connection, or a Spring transaction holding no connection of that data
         * source): the scope's writes would commit on their own, outside the caller's transaction.
         */
        OUTER_TRANSACTION,
        /**
         * A tenant table was queried with no tenant in scope: SQLState {@code AP001}, raised by
         * {@code alphapulse_current_tenant()} (migration 011) when {@code app.current_tenant_id} is unset or empty.
         */
        NO_TENANT_SCOPE,
        /**
         * A row-level security policy refused a row (SQLState 42501 from the policy check), typically a row of
         * another tenant written inside a scope.
         */
        ROW_SECURITY_VIOLATION,
        /** The role lacks a privilege, such as a GRANT on a table (SQLState 42501, "permission denied"). */
        ACCESS_DENIED,
        /** A foreign key refused the row (SQLState 23503); {@link #constraint()} names the key. */
        FOREIGN_KEY_VIOLATION,
        /** A unique key or primary key refused the row (SQLState 23505); {@link #constraint()} names it. */
        UNIQUE_VIOLATION,
        /** Another integrity constraint refused the row: NOT NULL, CHECK, exclusion (the rest of SQLState class 23). */
        CONSTRAINT_VIOLATION,
        /**
         * The transaction lost a serialization conflict or was chosen as a deadlock victim (SQLState 40001,
         * 40P01) and was rolled back; running the whole unit of work (the whole scope) again may succeed.
         */
        RETRYABLE,
        /** No tenant has the given id. */
        TENANT_NOT_FOUND,
        /** Another tenant already has the slug. */
        DUPLICATE_SLUG,
        /** The tenant's status cannot change that way (a cancelled tenant stays cancelled). */
        ILLEGAL_STATUS_CHANGE,
        /** Any other database failure; the cause is the driver's exception. */
        DATABASE_ERROR
    }

    private final Code code;
    private final String sqlState;
    private final String table;
    private final String constraint;
    private final String column;

    /** An exception with no underlying cause. */
    public TenantException(Code code, String message) {
        this(code, message, null, null, null, null, null);
    }

    /** An exception caused by {@code cause}, typically a {@link java.sql.SQLException}. */
    public TenantException(Code code, String message, Throwable cause) {
        this(code, message, cause, null, null, null, null);
    }

    /**
     * A failure the database reported: its SQLState, and the table, constraint and column it named, each
     * null when unknown.
     */
    public TenantException(Code code, String message, Throwable cause, String sqlState, String table,
            String constraint, String column) {
        super(message, cause);
        this.code = code;
        this.sqlState = sqlState;
        this.table = table;
        this.constraint = constraint;
        this.column = column;
    }

    /** What went wrong. */
    public Code code() {
        return code;
    }

    /** The database's SQLState; empty when the failure did not come from the database. */
    public Optional<String> sqlState() {
        return Optional.ofNullable(sqlState);
    }

    /** The table the database named (unqualified), if it named one. */
    public Optional<String> table() {
        return Optional.ofNullable(table);
    }

    /** The constraint the database named, such as a foreign or unique key, if it named one. */
    public Optional<String> constraint() {
        return Optional.ofNullable(constraint);
    }

    /** The column the database named, such as that of a NOT NULL violation, if it named one. */
    public Optional<String> column() {
        return Optional.ofNullable(column);
    }
}
