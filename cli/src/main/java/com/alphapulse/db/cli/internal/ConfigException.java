package com.alphapulse.db.cli.internal;

/** A configuration the CLI cannot use (exit code 9): found before anything is reached or changed. */
final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ConfigException(String message) {
        super(message);
    }
}
