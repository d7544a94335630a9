package com.alphapulse.db.postgres;

import com.alphapulse.db.postgres.internal.Servers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server and fresh databases on it.
 *
 * <p>{@link #shared()} gives the one server of this JVM, chosen in this order:
 * <ol>
 *   <li>an external server when {@value #URL_ENV} is set (environment variable, or the system property
 *       {@code alphapulse.pg.url}); {@value #USER_ENV} and {@value #PASSWORD_ENV} give the credentials
 *       of a role that may create databases and roles;</li>
 *   <li>Testcontainers when it is on the classpath and a Docker engine answers;</li>
 *   <li>otherwise an embedded server from the PostgreSQL binaries on the classpath.</li>
 * </ol>
 */
public final class PostgresProvider implements AutoCloseable {

    /** Environment variable naming an external server's JDBC URL. */
    public static final String URL_ENV = "ALPHAPULSE_PG_URL";
    /** Environment variable naming the external server's administrative user. */
    public static final String USER_ENV = "ALPHAPULSE_PG_USER";
    /** Environment variable holding that user's password. */
    public static final String PASSWORD_ENV = "ALPHAPULSE_PG_PASSWORD";

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static PostgresProvider shared;

    private final Servers.Server server;

    private PostgresProvider(Servers.Server server) {
        this.server = server;
    }

    /** The server shared by everything in this JVM; started on first use, stopped when the JVM exits. */
    public static synchronized PostgresProvider shared() {
        if (shared == null) {
            // an embedded server stops itself when the JVM exits; an external one is left alone
            shared = open();
        }
        return shared;
    }

    /**
     * A new provider chosen from the environment in the same order as {@link #shared()}; the caller
     * closes it, which stops a server it started.
     */
    public static PostgresProvider open() {
        return new PostgresProvider(Servers.fromEnvironment(settings()));
    }

    /** A new embedded server in a temporary directory, removed again by {@link #close()}. */
    public static PostgresProvider embedded() {
        return new PostgresProvider(Servers.embedded());
    }

    /** An existing server; {@code jdbcUrl} names any database on it that {@code user} may connect to. */
    public static PostgresProvider external(String jdbcUrl, String user, String password) {
        return new PostgresProvider(Servers.external(jdbcUrl, user, password));
    }

    private static Map<String, String> settings() {
        return Map.of(
                URL_ENV, setting(URL_ENV, "alphapulse.pg.url"),
                USER_ENV, setting(USER_ENV, "alphapulse.pg.user"),
                PASSWORD_ENV, setting(PASSWORD_ENV, "alphapulse.pg.password"));
    }

    private static String setting(String env, String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null ? "" : value;
    }

    /** Where this server comes from. */
    public ServerKind kind() {
        return server.kind();
    }

    /** The database the server was reached through (for an embedded server, {@code postgres}). */
    public Database adminDatabase() {
        return server.adminDatabase();
    }

    /** The server's major version, e.g. 18. */
    public int majorVersion() {
        try (Connection c = adminDatabase().connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new PostgresException("cannot read the server version: " + e.getMessage(), e);
        }
    }

    /** Creates a new, empty database whose name starts with {@code prefix}. */
    public Database createDatabase(String prefix) {
        String clean = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (clean.length() > 40) {
            clean = clean.substring(0, 40);
        }
        String name = clean + "_" + COUNTER.incrementAndGet() + "_"
                + UUID.randomUUID().toString().substring(0, 8);
        execute("CREATE DATABASE \"" + name + "\"");
        Database admin = adminDatabase();
        return new Database(name, admin.host(), admin.port(), admin.adminUser(), admin.adminPassword());
    }

    /** Drops a database made by {@link #createDatabase(String)}, ending its open sessions. */
    public void dropDatabase(Database database) {
        execute("DROP DATABASE IF EXISTS \"" + database.name().replace("\"", "\"\"") + "\" WITH (FORCE)");
    }

    private void execute(String sql) {
        try (Connection c = adminDatabase().connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new PostgresException(e.getMessage(), e);
        }
    }

    /** Stops a server this provider started; an external server is left running. */
    @Override
    public void close() {
        server.close();
    }
}
