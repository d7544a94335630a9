package com.alphapulse.db.cli.internal;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * SIGINT and SIGTERM during a command: the statements running when the signal came are cancelled on the server
 * ({@code pg_cancel_backend} from a connection of its own) and the main thread is interrupted, so the engine's
 * normal failure path rolls the step back and journals it INTERRUPTED, the command prints its one line and the
 * process exits 130 (SIGINT) or 143 (SIGTERM). A JVM shutdown hook could not wait for that: the JVM stops the
 * embedded server's hook and ours at the same time and exits when hooks return. Bounded: a command that has not
 * stopped after {@link #GRACE_SECONDS} s exits anyway; a second signal exits at once.
 */
final class Interruption {

    static final int GRACE_SECONDS = 20;

    private static volatile Interruption installed;

    private final Thread main;
    private final PrintStream err;
    private final Set<Connection> connections = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private volatile DataSource cancelThrough;
    private volatile String signal;

    private Interruption(Thread main, PrintStream err) {
        this.main = main;
        this.err = err;
    }

    /** Takes over SIGINT and SIGTERM for this process; only {@code Main} calls it, never a test's JVM. */
    static void install(Thread main, PrintStream err) {
        Interruption i = new Interruption(main, err);
        installed = i;
        for (String name : List.of("INT", "TERM")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> i.signalled("SIG" + s.getName()));
            } catch (IllegalArgumentException ignoredByTheShell) {
                // a signal the parent made the process ignore (nohup, '&' in a script) stays ignored
            }
        }
    }

    /** The signal that interrupts the command, or null. */
    static String signal() {
        Interruption i = installed;
        return i == null ? null : i.signal;
    }

    /** 128 + the signal's number, as shells report a process a signal ended. */
    static int exitCode(String signal) {
        return "SIGINT".equals(signal) ? 130 : 143;
    }

    /** A connection the command opened: its statement is cancelled on a signal. */
    static Connection track(Connection c) {
        Interruption i = installed;
        if (i != null) {
            i.connections.add(c);
        }
        return c;
    }

    /** Where the cancelling connection comes from (never tracked itself). */
    static void cancelThrough(DataSource ds) {
        Interruption i = installed;
        if (i != null) {
            i.cancelThrough = ds;
        }
    }

    /** A data source whose connections are tracked. */
    static DataSource tracking(DataSource ds) {
        return new TrackingDataSource(ds, null);
    }

    /**
     * {@link #tracking(DataSource)} whose first connection is {@code opened}, one the caller already holds: the
     * connection that proved the server reachable serves the command instead of being closed and opened again.
     */
    static DataSource tracking(DataSource ds, Connection opened) {
        return new TrackingDataSource(ds, opened);
    }

    private void signalled(String name) {
        if (signal != null) {
            err.println("interrupted again (" + name + "): exiting now; the server rolls back the statement in flight when it "
                    + "notices, run status to see where the database stands");
            err.flush();
            Runtime.getRuntime().halt(exitCode(name));
        }
        signal = name;
        main.interrupt();
        Thread t = new Thread(this::cancelUntilDone, "alphapulse-interruption");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Cancels, every 200 ms until the command ends, the statements that were already running when the signal came:
     * later ones are the failure path's own (rollback, cleanup, the INTERRUPTED journal row) and must run.
     */
    private void cancelUntilDone() {
        long deadline = System.nanoTime() + GRACE_SECONDS * 1_000_000_000L;
        Timestamp since = null;
        while (main.isAlive() && System.nanoTime() < deadline) {
            DataSource ds = cancelThrough;
            if (ds != null) {
                try (Connection c = ds.getConnection()) {
                    if (since == null) {
                        try (ResultSet r = c.createStatement().executeQuery("SELECT clock_timestamp()")) {
                            r.next();
                            since = r.getTimestamp(1);
                        }
                    }
                    cancel(c, since);
                } catch (SQLException | RuntimeException serverGone) {
                    // nothing left to cancel there; the main thread reports what failed
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
        if (main.isAlive()) {
            err.println("interrupted (" + signal + "): the command did not stop within " + GRACE_SECONDS + " s; exiting, "
                    + "run status to see where the database stands");
            err.flush();
            System.exit(exitCode(signal));
        }
    }

    private void cancel(Connection c, Timestamp since) throws SQLException {
        List<Integer> pids = new ArrayList<>();
        synchronized (connections) {
            for (Connection t : connections) {
                try {
                    if (!t.isClosed()) {
                        pids.add(t.unwrap(PGConnection.class).getBackendPID());
                    }
                } catch (SQLException ignored) {
                    // closed meanwhile
                }
            }
        }
        if (pids.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("SELECT pg_cancel_backend(pid) FROM pg_stat_activity "
                + "WHERE pid = ANY (?) AND state = 'active' AND query_start < ?")) {
            s.setArray(1, c.createArrayOf("int4", pids.toArray()));
            s.setTimestamp(2, since);
            s.executeQuery().close();
        }
    }

    /** Hands out the delegate's connections, tracked. */
    private static final class TrackingDataSource implements DataSource {
        private final DataSource delegate;
        private final java.util.concurrent.atomic.AtomicReference<Connection> first;

        TrackingDataSource(DataSource delegate, Connection first) {
            this.delegate = delegate;
            this.first = new java.util.concurrent.atomic.AtomicReference<>(first);
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection opened = first.getAndSet(null);
            if (opened != null && !opened.isClosed()) {
                return track(opened);
            }
            return track(delegate.getConnection());
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return track(delegate.getConnection(user, password));
        }

        @Override
        public java.io.PrintWriter getLogWriter() throws SQLException {
            return delegate.getLogWriter();
        }

        @Override
        public void setLogWriter(java.io.PrintWriter out) throws SQLException {
            delegate.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            delegate.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return delegate.getLoginTimeout();
        }

        @Override
        public java.util.logging.Logger getParentLogger() throws java.sql.SQLFeatureNotSupportedException {
            return delegate.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return iface.isInstance(delegate) ? iface.cast(delegate) : delegate.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return iface.isInstance(delegate) || delegate.isWrapperFor(iface);
        }
    }
}
