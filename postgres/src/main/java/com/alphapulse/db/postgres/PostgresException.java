package com.alphapulse.db.postgres;

/** The server could not be started, reached, or asked to create or drop a database. */
public final class PostgresException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PostgresException(String message, Throwable cause) {
        super(message, cause);
    }

    public PostgresException(String message) {
        super(message);
    }
}
