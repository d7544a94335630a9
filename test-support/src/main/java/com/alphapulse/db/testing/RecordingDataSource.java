package com.alphapulse.db.testing;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source that records every statement its connections execute, in the order the server receives them: the
 * SQL text, the bind values of a prepared statement, and the transaction boundaries JDBC expresses as calls rather
 * than SQL ({@code setAutoCommit(false)} is {@code BEGIN}, {@code commit()} and {@code setAutoCommit(true)} inside
 * a transaction are {@code COMMIT}, {@code rollback()} is {@code ROLLBACK}). It records on the client, so it sees
 * exactly what the engine and Flyway send, without depending on server logging (log_statement goes to a server log
 * that JDBC cannot read on the embedded server) or on pg_stat_statements (not preloaded there, and it normalises
 * the text).
 */
public final class RecordingDataSource implements DataSource {

    /** What {@link #statements} leaves out: the transaction boundaries this recorder writes for JDBC calls. */
    private static final java.util.Set<String> BOUNDARIES = java.util.Set.of("BEGIN", "COMMIT", "ROLLBACK", "ROLLBACK TO SAVEPOINT",
            "SAVEPOINT", "RELEASE SAVEPOINT");

    /**
     * One executed statement (or transaction boundary) on connection {@code connection} (numbered from 1, in opening
     * order), with its bind values in parameter order.
     */
    public record Executed(int connection, String thread, String sql, List<Object> binds) {}

    private final DataSource target;
    private final List<Executed> executed = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger connections = new AtomicInteger();

    public RecordingDataSource(DataSource target) {
        this.target = target;
    }

    /** What was executed since the last {@link #clear()}. */
    public List<Executed> executed() {
        synchronized (executed) {
            return List.copyOf(executed);
        }
    }

    /** The SQL text of every statement executed since the last {@link #clear()}, without the transaction boundaries. */
    public List<String> statements() {
        return executed().stream().filter(e -> !(e.binds().isEmpty() && BOUNDARIES.contains(e.sql()))).map(Executed::sql).toList();
    }

    public void clear() {
        executed.clear();
    }

    private void record(int connection, String sql, List<Object> binds) {
        executed.add(new Executed(connection, Thread.currentThread().getName(), sql, binds));
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(target.getConnection());
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return wrap(target.getConnection(user, password));
    }

    private Connection wrap(Connection c) {
        int id = connections.incrementAndGet();
        InvocationHandler h = (proxy, m, args) -> {
            switch (m.getName()) {
                case "setAutoCommit" -> {
                    boolean on = (Boolean) args[0];
                    boolean was = c.getAutoCommit();
                    if (was && !on) {
                        record(id, "BEGIN", List.of());
                    } else if (!was && on) {
                        record(id, "COMMIT", List.of());
                    }
                }
                case "commit" -> record(id, "COMMIT", List.of());
                case "rollback" -> record(id, args == null ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT", List.of());
                case "setSavepoint" -> record(id, "SAVEPOINT", List.of());
                case "releaseSavepoint" -> record(id, "RELEASE SAVEPOINT", List.of());
                default -> { }
            }
            Object result = invoke(c, m, args);
            if (result instanceof CallableStatement s) {
                return statement(id, s, CallableStatement.class, (String) args[0]);
            }
            if (result instanceof PreparedStatement s) {
                return statement(id, s, PreparedStatement.class, (String) args[0]);
            }
            if (result instanceof Statement s) {
                return statement(id, s, Statement.class, null);
            }
            return result;
        };
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, h);
    }

    private <T extends Statement> T statement(int connection, T s, Class<T> type, String prepared) {
        TreeMap<Integer, Object> binds = new TreeMap<>();
        List<List<Object>> batch = new ArrayList<>();
        List<String> batchSql = new ArrayList<>();
        InvocationHandler h = (proxy, m, args) -> {
            String name = m.getName();
            if (name.startsWith("set") && args != null && args.length >= 2 && args[0] instanceof Integer i
                    && !name.equals("setFetchSize") && !name.equals("setMaxRows") && !name.equals("setQueryTimeout")) {
                binds.put(i, name.equals("setNull") ? null : args[1]);
            } else if (name.equals("clearParameters")) {
                binds.clear();
            } else if (name.equals("addBatch")) {
                if (args == null) {
                    batch.add(new ArrayList<>(binds.values()));
                } else {
                    batchSql.add((String) args[0]);
                }
            } else if (name.equals("executeBatch") || name.equals("executeLargeBatch")) {
                batchSql.forEach(sql -> record(connection, sql, List.of()));
                batch.forEach(b -> record(connection, prepared, b));
                batchSql.clear();
                batch.clear();
            } else if (name.startsWith("execute")) {
                if (args != null && args.length >= 1 && args[0] instanceof String sql) {
                    record(connection, sql, List.of());
                } else {
                    record(connection, prepared, new ArrayList<>(binds.values()));
                }
            }
            return invoke(s, m, args);
        };
        return type.cast(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, h));
    }

    private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return target.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || target.isWrapperFor(iface);
    }
}
