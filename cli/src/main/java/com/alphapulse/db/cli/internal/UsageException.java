package com.alphapulse.db.cli.internal;

/** Bad input found by the CLI itself (exit code 2). */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
