package com.alphapulse.db.engine;

import java.util.regex.Pattern;

/**
 * A verb of {@link MigrationEngine} refused or failed. The message is one line for a person and never
 * contains a password; {@link #code()} is stable for callers that map it to an exit code.
 */
public final class MigrationException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final Pattern LINE_BREAKS = Pattern.compile("\\s*\\R\\s*");

    /** What went wrong. */
    public enum Code {
        /** The version named does not exist in the schema. */
        UNKNOWN_VERSION,
        /** The target is malformed or points the wrong way (a downgrade above the current version, ...). */
        INVALID_TARGET,
        /** A version to be undone has no undo script. */
        MISSING_UNDO_SCRIPT,
        /** An applied migration script was edited after it was applied. */
        CHECKSUM_MISMATCH,
        /** The database has no Flyway schema history table, or has tables but no history. */
        NO_HISTORY,
        /** The database user lacks a privilege a step needs. */
        INSUFFICIENT_PRIVILEGE,
        /** The server cannot be reached or refused the login. */
        CONNECTION_FAILED,
        /** Another migration run holds this database's migration lock. */
        LOCKED,
        /** The downgrade would lose data that is not archived, and the caller did not accept the loss. */
        DATA_LOSS_REFUSED,
        /** A condition checked before anything runs does not hold (e.g. duplicate emails before undoing 006). */
        PRECONDITION_FAILED,
        /**
         * A lock could not be obtained within lock_timeout, or the step was chosen to break a deadlock (SQLSTATE
         * 40P01), after every retry.
         */
        LOCK_TIMEOUT,
        /** A statement ran longer than statement_timeout. */
        STATEMENT_TIMEOUT,
        /**
         * The run was stopped from outside: its session terminated, its statement cancelled (SQLSTATE 57014 other than
         * statement_timeout: pg_cancel_backend, the CLI on SIGINT/SIGTERM), or the calling thread interrupted; the
         * database is at a whole version, re-run to finish. (A version that runs outside a transaction and stops
         * part-way is {@link #FAILED} instead: run repair, or upgrade again for an online version.)
         */
        INTERRUPTED,
        /** The live catalog does not match the version a stamp would record. */
        CATALOG_MISMATCH,
        /** The engine was configured with a value it cannot use (a negative timeout, no data source, ...). */
        INVALID_CONFIGURATION,
        /** Anything else; the message carries PostgreSQL's error and SQLSTATE. */
        FAILED
    }

    private final Code code;

    /** A failure without an underlying exception. */
    public MigrationException(Code code, String message) {
        this(code, message, null);
    }

    /** A failure caused by {@code cause}; the message is flattened to one line. */
    public MigrationException(Code code, String message, Throwable cause) {
        super(oneLine(message), cause);
        this.code = code;
    }

    /** What went wrong. */
    public Code code() {
        return code;
    }

    private static String oneLine(String message) {
        return message == null ? "" : LINE_BREAKS.matcher(message.strip()).replaceAll(" ");
    }
}
