package com.alphapulse.db.verification;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source that records the text of every statement its connections prepare or execute: what the server
 * would write to its log with log_statement = all, so a test can assert on everything the library sent.
 */
final class RecordingDataSource implements DataSource {

    private final DataSource target;
    private final List<String> statements = new CopyOnWriteArrayList<>();

    RecordingDataSource(DataSource target) {
        this.target = target;
    }

    List<String> statements() {
        return List.copyOf(statements);
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
        return proxy(Connection.class, c, (method, args) -> {
            if (args != null && args.length > 0 && args[0] instanceof String sql
                    && (method.equals("prepareStatement") || method.equals("prepareCall") || method.equals("nativeSQL"))) {
                statements.add(sql);
            }
            return null;
        });
    }

    /** What to record of one call; a Statement returned by the call is wrapped too. */
    private interface Recorder {
        Object record(String method, Object[] args);
    }

    @SuppressWarnings("unchecked")
    private <T> T proxy(Class<T> type, T target, Recorder recorder) {
        InvocationHandler h = (p, m, args) -> {
            recorder.record(m.getName(), args);
            Object result;
            try {
                result = m.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (result instanceof PreparedStatement ps && m.getReturnType() == PreparedStatement.class) {
                return proxy(PreparedStatement.class, ps, this::recordStatement);
            }
            if (result instanceof Statement s && m.getReturnType() == Statement.class) {
                return proxy(Statement.class, s, this::recordStatement);
            }
            return result;
        };
        return (T) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, h);
    }

    private Object recordStatement(String method, Object[] args) {
        if (args != null && args.length > 0 && args[0] instanceof String sql
                && (method.startsWith("execute") || method.equals("addBatch"))) {
            statements.add(sql);
        }
        return null;
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
    public Logger getParentLogger() {
        return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return target.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return target.isWrapperFor(iface);
    }
}
