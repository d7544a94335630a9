package com.alphapulse.tenant;

/** Anything this module refuses or fails to do; {@link #code()} says which. */
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
        /** The database refused the statement for lack of privilege, including a row-level security check. */
        ACCESS_DENIED,
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

    /** An exception with no underlying cause. */
    public TenantException(Code code, String message) {
        super(message);
        this.code = code;
    }

    /** An exception caused by {@code cause}, typically a {@link java.sql.SQLException}. */
    public TenantException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** What went wrong. */
    public Code code() {
        return code;
    }
}
