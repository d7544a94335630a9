package com.alphapulse.db.cli;

/** What {@code java -jar cli.jar} returns; stable, scripts depend on these numbers. */
public enum ExitCode {
    /** The command did what was asked. */
    OK(0, "success"),
    /** The command failed (a failed rehearsal row, a failed migration, an unexpected error). */
    FAILURE(1, "failure"),
    /** Bad command line: unknown command, option or version, malformed URL, impossible target. */
    USAGE(2, "usage error: bad command, option, version or target"),
    /** Verification, the isolation probe or the tenancy rules found errors. */
    VERIFICATION_FAILED(3, "verification found errors"),
    /** Refused because data would be lost (use archiving or --accept-data-loss). */
    DATA_LOSS_REFUSED(4, "refused: data would be lost"),
    /** Another run holds the migration lock of this database. */
    LOCKED(5, "refused: another run holds the lock"),
    /**
     * The database cannot be reached or refuses the credentials: unknown host, connection refused or timed out,
     * authentication failed, database does not exist, TLS required or unavailable (each its own message).
     */
    CANNOT_CONNECT(6, "cannot connect"),
    /**
     * The database is not in a state the command can start from (precondition, catalog mismatch, checksum), or the
     * user lacks a privilege a step needs (the message names it and the grant); nothing was changed.
     */
    REFUSED_STATE(7, "refused: the database is not in a state this command can start from, or a privilege is missing"),
    /** Gave up waiting for a table lock after the configured retries; nothing was changed. */
    LOCK_TIMEOUT(8, "gave up waiting for a table lock; nothing changed"),
    /**
     * The configuration cannot be used: an explicit config file (--config, ALPHAPULSE_CONFIG) is missing, a config or
     * service file is malformed, a setting has a bad value, or a config file holds a password while its group or
     * others have access to it; nothing was changed.
     */
    CONFIG(9, "bad configuration: config or service file missing, malformed, or holding a password others can read"),
    /** The person at the terminal did not confirm (anything but yes, or end of input); nothing was changed. */
    CANCELLED(10, "cancelled at the confirmation prompt; nothing changed");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The process exit status. */
    public int code() {
        return code;
    }

    /** One line for --help and README. */
    public String meaning() {
        return meaning;
    }
}
