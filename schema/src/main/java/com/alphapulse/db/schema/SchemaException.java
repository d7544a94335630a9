package com.alphapulse.db.schema;

/** A version or a script the caller asked for does not exist in this schema. */
public final class SchemaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, stable for callers that map it to an exit code. */
    public enum Code {
        /** No such schema version. */
        UNKNOWN_VERSION,
        /** A script or generated resource the build should have produced is missing. */
        MISSING_RESOURCE
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
