package com.alphapulse.db.cli.internal;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    /** This JVM's clock when the signal came: what separates the statements to cancel from the failure path's own. */
    private volatile long signalledAtMillis;
    /** Set while the main thread waits at a confirmation prompt: a signal then means "no", not "stop the work". */
    private volatile boolean prompting;
    private volatile java.util.function.Consumer<String> beforeForcedExit;

    Interruption(Thread main, PrintStream err) {
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

    /** What {@link #track} does for the installed instance; tests drive an instance of their own. */
    void watch(Connection c) {
        connections.add(c);
    }

    /** The signal's moment without its effects (no interrupt, no cancelling thread), for tests. */
    void markSignalled() {
        signalledAtMillis = System.currentTimeMillis();
    }

    /** One round of what {@link #cancelUntilDone} repeats, through {@code c}; returns what it counts as in flight. */
    Map<Integer, Long> cancelOnce(Connection c, Map<Integer, Long> inFlight) throws SQLException {
        Map<Integer, Long> found = inFlight == null ? inFlightAtSignal(c) : inFlight;
        cancel(c, found);
        return found;
    }

    /**
     * What the forced exit runs first, given why: the engine journals the step it is stuck in (the last engine the
     * command made; a command runs one at a time).
     */
    static void beforeForcedExit(java.util.function.Consumer<String> hook) {
        Interruption i = installed;
        if (i != null) {
            i.beforeForcedExit = hook;
        }
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
        signalledAtMillis = System.currentTimeMillis();
        signal = name;
        main.interrupt();
        if (prompting) {
            return; // the prompt answers no; nothing runs on the server to cancel
        }
        Thread t = new Thread(this::cancelUntilDone, "alphapulse-interruption");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Reads a line from {@code in} as the main thread, in a way a signal can end: {@code System.in} blocks
     * uninterruptibly, so the read runs on a daemon thread the main thread waits for. Empty when a signal came first,
     * or with the answer.
     */
    static java.util.Optional<String> prompt(java.io.BufferedReader in) throws java.io.IOException {
        Interruption i = installed;
        if (i == null) {
            return java.util.Optional.ofNullable(in.readLine());
        }
        java.util.concurrent.CompletableFuture<String> line = new java.util.concurrent.CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                line.complete(in.readLine());
            } catch (java.io.IOException | RuntimeException e) {
                line.completeExceptionally(e);
            }
        }, "alphapulse-prompt");
        reader.setDaemon(true);
        i.prompting = true;
        try {
            if (i.signal != null) {
                return java.util.Optional.empty();
            }
            reader.start();
            String answer = line.get();
            if (answer != null && i.signal != null) {
                // a signal that came as the answer arrived (no cancelling was started for it) is a no too
                Thread.interrupted();
                return java.util.Optional.empty();
            }
            return java.util.Optional.ofNullable(answer);
        } catch (InterruptedException signalled) {
            // The answer is no; the flag goes, so closing the session (an embedded server's stop waits) still works.
            Thread.interrupted();
            return java.util.Optional.empty();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof java.io.IOException io ? io : new java.io.IOException(e.getCause());
        } finally {
            i.prompting = false;
        }
    }

    /**
     * Cancels, every 200 ms until the command ends, the statements that were already running when the signal came,
     * and only those: each is known by its backend and start time, so a later statement on the same backend (the
     * failure path's rollback, clean-up, the INTERRUPTED journal row) is never cancelled.
     */
    private void cancelUntilDone() {
        long deadline = System.nanoTime() + GRACE_SECONDS * 1_000_000_000L;
        Map<Integer, Long> inFlight = null;
        while (main.isAlive() && System.nanoTime() < deadline) {
            DataSource ds = cancelThrough;
            if (ds != null) {
                try (Connection c = ds.getConnection()) {
                    inFlight = cancelOnce(c, inFlight);
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
            journalStuckStep();
            err.println("interrupted (" + signal + "): the command did not stop within " + GRACE_SECONDS + " s; exiting, "
                    + "run status to see where the database stands");
            err.flush();
            System.exit(exitCode(signal));
        }
    }

    /** The stuck step's INTERRUPTED row, bounded: a server that does not answer must not keep the process either. */
    private void journalStuckStep() {
        java.util.function.Consumer<String> hook = beforeForcedExit;
        if (hook == null) {
            return;
        }
        String why = "interrupted (" + signal + "): the client exited " + GRACE_SECONDS + " s after the signal with this step still "
                + "running; the server rolls its transaction back once it notices the client gone (a statement that ignores "
                + "cancellation runs to its end first): run status to see where the database stands";
        Thread t = new Thread(() -> hook.accept(why), "alphapulse-journal-interrupted");
        t.setDaemon(true);
        t.start();
        try {
            t.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The tracked backends' statements that started before the signal, as (pid, query_start in µs). The signal's
     * time is this JVM's; the server's clock may differ (another host), so the offset is taken from one round trip,
     * which bounds the error by half of it instead of by however long this look came after the signal.
     */
    private Map<Integer, Long> inFlightAtSignal(Connection c) throws SQLException {
        long before = System.currentTimeMillis();
        long serverMicros;
        try (PreparedStatement s = c.prepareStatement("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::int8");
                ResultSet r = s.executeQuery()) {
            r.next();
            serverMicros = r.getLong(1);
        }
        long after = System.currentTimeMillis();
        long signalServerMicros = serverMicros - ((before + after) / 2 - signalledAtMillis) * 1000;
        Map<Integer, Long> found = new HashMap<>();
        List<Integer> pids = trackedPids();
        if (pids.isEmpty()) {
            return found;
        }
        try (PreparedStatement s = c.prepareStatement("SELECT pid, (extract(epoch FROM query_start) * 1000000)::int8 "
                + "FROM pg_stat_activity WHERE pid = ANY (?) AND state = 'active' "
                + "AND (extract(epoch FROM query_start) * 1000000)::int8 < ?")) {
            s.setArray(1, c.createArrayOf("int4", pids.toArray()));
            s.setLong(2, signalServerMicros);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    found.put(r.getInt(1), r.getLong(2));
                }
            }
        }
        return found;
    }

    private List<Integer> trackedPids() {
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
        return pids;
    }

    /** Cancels those of {@code inFlight} still running: same backend, same start. */
    private static void cancel(Connection c, Map<Integer, Long> inFlight) throws SQLException {
        if (inFlight.isEmpty()) {
            return;
        }
        List<Integer> pids = new ArrayList<>(inFlight.keySet());
        List<Long> starts = pids.stream().map(inFlight::get).toList();
        try (PreparedStatement s = c.prepareStatement("SELECT pg_cancel_backend(a.pid) FROM pg_stat_activity a "
                + "JOIN unnest(?::int4[], ?::int8[]) AS t(pid, started) ON a.pid = t.pid "
                + "WHERE a.state = 'active' AND (extract(epoch FROM a.query_start) * 1000000)::int8 = t.started")) {
            s.setArray(1, c.createArrayOf("int4", pids.toArray()));
            s.setArray(2, c.createArrayOf("int8", starts.toArray()));
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
