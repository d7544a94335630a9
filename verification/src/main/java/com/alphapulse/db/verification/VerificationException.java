package com.alphapulse.db.verification;

/** Verification could not be carried out (as opposed to finding differences, which are results). */
public final class VerificationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, stable for callers that map it to an exit code. */
    public enum Code {
        /** No connection to the database could be opened. */
        CONNECTION_FAILED,
        /** A query against the database failed. */
        QUERY_FAILED,
        /** The expected state shipped with the schema is unreadable or disagrees with the jOOQ types. */
        EXPECTED_STATE_INVALID,
        /** The database lacks what the operation needs, e.g. the tenant tables or data to measure. */
        PRECONDITION_FAILED,
        /** The isolation probe or the RLS measurement could not create its role, session or rows. */
        PROBE_SETUP_FAILED,
        /** A temporary role or rows could not be removed again; the message names what is left. */
        CLEANUP_FAILED,
        /**
         * The data source's user lacks a privilege or a role membership the operation needs (e.g. the probe
         * role, or the bypass role for reading every tenant's rows); the message names the grant, which a
         * superuser gives once (provision).
         */
        INSUFFICIENT_PRIVILEGE
    }

    private final Code code;

    public VerificationException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public VerificationException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** What went wrong. */
    public Code code() {
        return code;
    }
}
