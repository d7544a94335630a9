package com.alphapulse.db.cli.internal;

import picocli.CommandLine.Option;

/** Where the database is; without a URL the command runs on a throw-away embedded PostgreSQL. */
final class ConnectionOptions {

    @Option(names = "--url", paramLabel = "JDBC_URL", defaultValue = "${env:ALPHAPULSE_DB_URL}",
            description = "JDBC URL, e.g. jdbc:postgresql://host:5432/db (env ALPHAPULSE_DB_URL). "
                    + "Without it: an embedded PostgreSQL in a temporary directory, removed on exit.")
    String url;

    @Option(names = "--user", defaultValue = "${env:ALPHAPULSE_DB_USER}",
            description = "database user (env ALPHAPULSE_DB_USER)")
    String user;

    /** What --password without a value stands for: ask on the terminal. */
    static final String PROMPT = "\u0000prompt";

    @Option(names = "--password", defaultValue = "${env:ALPHAPULSE_DB_PASSWORD}", arity = "0..1",
            fallbackValue = PROMPT,
            description = "password (env ALPHAPULSE_DB_PASSWORD); --password alone asks on the terminal without echo")
    String password;

    /** The password, asked for on the terminal (never on standard output) when --password had no value. */
    String password() {
        if (!PROMPT.equals(password)) {
            Redacting.secret(password);
            return password;
        }
        java.io.Console console = System.console();
        if (console == null) {
            throw new UsageException("--password without a value needs a terminal to ask on; "
                    + "use ALPHAPULSE_DB_PASSWORD in scripts");
        }
        char[] typed = console.readPassword("Password for %s: ", user == null ? "the database" : user);
        password = typed == null ? "" : new String(typed);
        Redacting.secret(password);
        return password;
    }

    boolean embedded() {
        return url == null || url.isBlank();
    }
}
