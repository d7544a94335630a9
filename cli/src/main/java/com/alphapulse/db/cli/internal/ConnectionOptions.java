package com.alphapulse.db.cli.internal;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the database is, as given on the command line; {@link ServerSettings} adds the environment, the config file,
 * the service and the password file. Without anything that names a server the command runs on a throw-away
 * embedded PostgreSQL.
 */
final class ConnectionOptions {

    @Option(names = "--url", paramLabel = "URL",
            description = "postgres://user@host:port/db?sslmode=require or jdbc:postgresql://host:port/db "
                    + "(else ALPHAPULSE_DB_URL, PGHOST/PGPORT/PGDATABASE/PGSERVICE, the config file). "
                    + "When nothing names a server: an embedded PostgreSQL in a temporary directory, removed on exit.")
    String url;

    @Option(names = "--user", description = "database user (else ALPHAPULSE_DB_USER, PGUSER, the config file, the OS user)")
    String user;

    /** What --password without a value stands for: ask on the terminal. */
    static final String PROMPT = "\u0000prompt";

    @Option(names = "--password", arity = "0..1", fallbackValue = PROMPT,
            description = "password (else ALPHAPULSE_DB_PASSWORD, PGPASSWORD, the config file, ~/.pgpass); "
                    + "--password alone asks on the terminal without echo")
    String password;

    @Option(names = "--config", paramLabel = "FILE",
            description = "settings file, key = value (else ALPHAPULSE_CONFIG, else ./alphapulse.conf if present); "
                    + "flags and environment variables beat it")
    Path config;

    /** The password, asked for on the terminal (never on standard output) when --password had no value. */
    String password() {
        if (!PROMPT.equals(password)) {
            Redacting.secret(password);
            return password;
        }
        java.io.Console console = System.console();
        if (console == null) {
            throw new UsageException("--password without a value needs a terminal to ask on; "
                    + "use PGPASSWORD or ~/.pgpass in scripts");
        }
        char[] typed = console.readPassword("Password for %s: ", user == null ? "the database" : user);
        password = typed == null ? "" : new String(typed);
        Redacting.secret(password);
        return password;
    }
}
