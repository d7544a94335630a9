package com.alphapulse.db.migrations;

/** A version, a script or a generated resource of a migration set does not exist or cannot be read. */
public final class SchemaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, stable for callers that map it to an exit code. */
    public enum Code {
        /** No such schema version. */
        UNKNOWN_VERSION,
        /** A script or generated resource the build should have produced is missing. */
        MISSING_RESOURCE,
        /** The migration set's files are inconsistent (a migration without undo script, a bad name). */
        INVALID_SET
    }

    private final Code code;

    public SchemaException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
