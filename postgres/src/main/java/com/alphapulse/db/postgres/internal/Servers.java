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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
        Embedded embedded = new Embedded(dir);
        // Registered before the server starts, so that Ctrl-C at any moment still stops it and deletes the directory.
        Thread cleanup = new Thread(embedded::stopAndDelete, "embedded-postgres-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            Database admin = embedded.start();
            return new Fixed(ServerKind.EMBEDDED, admin, () -> {
                embedded.stopAndDelete();
                removeHook(cleanup);
            });
        } catch (IOException | RuntimeException e) {
            embedded.stopAndDelete();
            removeHook(cleanup);
            throw new PostgresException("cannot start the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running right now; it and the caller share one lock and one outcome
        }
    }

    /**
     * One embedded server's life. Start, stop and delete hold one lock: during JVM shutdown the other threads
     * keep running, so the shutdown hook must neither delete a directory that a start is still filling nor race
     * a close on another thread.
     */
    static final class Embedded {
        private final Path dir;
        private final ReentrantLock lifecycle = new ReentrantLock();
        private EmbeddedPostgres pg;
        private boolean finished;

        Embedded(Path dir) {
            this.dir = dir;
        }

        Database start() throws IOException {
            lifecycle.lock();
            try {
                pg = EmbeddedPostgres.builder()
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
                return new Database("postgres", "localhost", pg.getPort(), "postgres", "");
            } finally {
                lifecycle.unlock();
            }
        }

        void stopAndDelete() {
            boolean locked;
            try {
                // a start in progress finishes (or fails) within its own startup wait
                locked = lifecycle.tryLock(90, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                locked = false;
            }
            try {
                if (finished) {
                    return;
                }
                finished = true;
                if (pg != null) {
                    try {
                        pg.close();
                    } catch (IOException | RuntimeException ignored) {
                        // the directory goes anyway; a server without its data directory cannot go on
                    }
                }
                deleteTree(dir);
            } finally {
                if (locked) {
                    lifecycle.unlock();
                }
            }
        }
    }

    /** Deletes a directory tree; files that appear or vanish meanwhile do not stop it. */
    static void deleteTree(Path dir) {
        for (int attempt = 0; attempt < 10 && Files.exists(dir); attempt++) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | java.io.UncheckedIOException concurrentChange) {
                // walked into something that changed under us: try again
            }
            if (Files.exists(dir)) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
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
