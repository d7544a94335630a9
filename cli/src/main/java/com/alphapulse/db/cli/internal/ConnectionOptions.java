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

    @Option(names = "--password", defaultValue = "${env:ALPHAPULSE_DB_PASSWORD}", arity = "0..1",
            interactive = true, echo = false,
            description = "password (env ALPHAPULSE_DB_PASSWORD); --password alone prompts without echo")
    String password;

    boolean embedded() {
        return url == null || url.isBlank();
    }
}
