package com.alphapulse.db.cli.internal;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The database a command works on: the one named by --url, or a new embedded server that lives as long as
 * the command (also stopped and deleted on Ctrl-C). Its connections are tracked, so that a signal cancels the
 * statements they run ({@link Interruption}).
 */
final class Session implements AutoCloseable {

    private final DataSource dataSource;
    private final PostgresProvider embedded;
    private final Database embeddedDatabase;
    private final String url;
    private final String user;
    private final String password;
    private final String who;
    /** The connection that proved the server reachable, closed with the session if no command took it. */
    private final java.sql.Connection first;

    private Session(DataSource dataSource, PostgresProvider embedded, Database embeddedDatabase, String url,
            String user, String password, String who, java.sql.Connection first) {
        this.who = who;
        this.first = first;
        this.dataSource = dataSource;
        this.embedded = embedded;
        this.embeddedDatabase = embeddedDatabase;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** The embedded default's one line on stderr: it says what would have named a server. */
    static final String EMBEDDED = "no server named (--url, PG* variables, config file): using an embedded PostgreSQL "
            + "in a temporary directory, removed on exit";

    static Session open(Target target, Progress progress) {
        if (target.embedded()) {
            progress.always(EMBEDDED);
            PostgresProvider pg = PostgresProvider.embedded();
            try {
                Database db = pg.createDatabase("alphapulse");
                Interruption.cancelThrough(db.dataSource());
                return new Session(Interruption.tracking(db.dataSource()), pg, db, db.jdbcUrl(), db.adminUser(), db.adminPassword(),
                        who(db.adminUser(), db.jdbcUrl()), null);
            } catch (RuntimeException e) {
                pg.close();
                throw e;
            }
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        try {
            ds.setUrl(target.jdbcUrl());
        } catch (IllegalArgumentException e) {
            throw new UsageException("malformed connection settings: " + withoutQuery(target.jdbcUrl()));
        }
        ds.setUser(target.user());
        if (target.password() != null) {
            ds.setPassword(target.password());
        }
        // One connection first, so that every command fails the same clear way before it starts anything; it then
        // serves the command's first use, so proving the server reachable costs no second connect.
        java.sql.Connection first;
        try {
            first = ds.getConnection();
        } catch (java.sql.SQLException e) {
            throw ConnectionFailure.of(e, target);
        }
        Interruption.cancelThrough(ds);
        return new Session(Interruption.tracking(ds, first), null, null, target.jdbcUrl(), target.user(),
                target.password(), target.describe(), first);
    }

    static String withoutQuery(String url) {
        int q = url.indexOf('?');
        String u = q < 0 ? url : url.substring(0, q);
        // user-info (user:password@) is dropped at the source too, not only by the writers' filter
        return u.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.:-]*://)[^\\s]*@", "$1");
    }

    /** {@code user@host:port/database} of a JDBC URL: what a person confirms a change on. */
    private static String who(String user, String jdbcUrl) {
        PGSimpleDataSource parsed = new PGSimpleDataSource();
        parsed.setUrl(jdbcUrl);
        StringBuilder b = new StringBuilder(user).append('@');
        String[] hosts = parsed.getServerNames();
        int[] ports = parsed.getPortNumbers();
        for (int i = 0; i < hosts.length; i++) {
            b.append(i == 0 ? "" : ",").append(hosts[i]).append(':').append(ports.length > i && ports[i] > 0 ? ports[i] : 5432);
        }
        return b.append('/').append(parsed.getDatabaseName()).toString();
    }

    /** {@code user@host:port/database}, never the password: the database a prompt or a refusal names. */
    String who() {
        return who;
    }

    DataSource dataSource() {
        return dataSource;
    }

    boolean isEmbedded() {
        return embedded != null;
    }

    /**
     * A new, empty database on the same server, reached with the same settings as the session's (TLS,
     * credentials, other URL parameters); dropped when closed, and by a shutdown hook on Ctrl-C.
     */
    Scratch scratch(String prefix) {
        String name = prefix + "_" + java.util.UUID.randomUUID().toString().substring(0, 8);
        execute("CREATE DATABASE \"" + name + "\"");
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        if (user != null && !user.isBlank()) {
            ds.setUser(user);
        }
        if (password != null && !password.isEmpty()) {
            ds.setPassword(password);
        }
        ds.setDatabaseName(name);
        ds.setApplicationName("alphapulse-db-cli");
        return new Scratch(name, Interruption.tracking(ds));
    }

    /** A scratch database of {@link #scratch(String)}. */
    final class Scratch implements AutoCloseable {
        private final String name;
        private final DataSource dataSource;
        private final Thread hook;

        Scratch(String name, DataSource dataSource) {
            this.name = name;
            this.dataSource = dataSource;
            this.hook = new Thread(this::drop, "scratch-database-cleanup");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        String name() {
            return name;
        }

        DataSource dataSource() {
            return dataSource;
        }

        private void drop() {
            execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
        }

        @Override
        public void close() {
            drop();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running and drops the same database; DROP ... IF EXISTS makes that harmless
            }
        }
    }

    private void execute(String sql) {
        try (java.sql.Connection c = dataSource.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (java.sql.SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            String message = "cannot create or drop a scratch database on " + describe() + ": " + e.getMessage();
            // A role without CREATEDB reached the server fine: that is a missing privilege, not "cannot connect".
            if ("42501".equals(state)) {
                throw new com.alphapulse.db.engine.MigrationException(
                        com.alphapulse.db.engine.MigrationException.Code.INSUFFICIENT_PRIVILEGE, message
                                + "; rehearse --url needs CREATEDB for its scratch database (ALTER ROLE "
                                + (user == null || user.isBlank() ? "<user>" : user) + " CREATEDB), nothing was changed", e);
            }
            if (state.startsWith("08") || state.startsWith("28") || "3D000".equals(state)) {
                throw new com.alphapulse.db.postgres.PostgresException(message, e);
            }
            throw new com.alphapulse.db.engine.MigrationException(com.alphapulse.db.engine.MigrationException.Code.FAILED,
                    message, e);
        }
    }

    /** Where this session points, without credentials. */
    String describe() {
        return embedded != null ? "embedded " + embeddedDatabase.jdbcUrl() : withoutQuery(url);
    }

    @Override
    public void close() {
        if (first != null) {
            try {
                // Closing twice is a no-op in JDBC: the command may have taken and closed it already.
                first.close();
            } catch (java.sql.SQLException ignored) {
                // the session is over; nothing of the command's depends on it
            }
        }
        if (embedded != null) {
            // A signal left the main thread's interrupt flag set; stopping the server waits for pg_ctl and would give up at
            // once, leaving the server and its data directory behind. The flag is put back for whoever reads it later.
            boolean interrupted = Thread.interrupted();
            try {
                embedded.close(); // not after a second signal, which halts the JVM: its server and directory stay behind
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

}
