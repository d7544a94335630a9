package com.alphapulse.tenant.jdbc.internal;

import com.alphapulse.tenant.TenantId;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Deque;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Supplier;

/**
 * The connections of one {@code TenantDataSource}: JDK proxies that set the supplier's tenant before the first
 * statement of each transaction, and the connections each thread holds open, so that a scope can join them.
 * Proxies rather than a hand-written wrapper of the 60-odd {@link Connection} methods: only a handful change
 * behaviour, and a driver's own extensions stay reachable through {@code unwrap}.
 */
public final class TenantConnections {

    private static final Set<String> EXECUTES = Set.of("execute", "executeQuery", "executeUpdate",
            "executeLargeUpdate", "executeBatch", "executeLargeBatch");
    // These must be the first statement of a transaction, or are no statement of one.
    private static final String[] NOT_BEFORE = {"SET TRANSACTION", "SET SESSION CHARACTERISTICS", "BEGIN",
        "START TRANSACTION", "COMMIT", "ROLLBACK", "END", "ABORT"};

    private final Supplier<Optional<TenantId>> tenant;
    // Concurrent: a connection opened on one thread may be closed on another, and removes itself from the
    // deque of the thread that took it.
    private final ThreadLocal<Deque<Connection>> held = ThreadLocal.withInitial(ConcurrentLinkedDeque::new);

    /** Connections that set the tenant {@code tenant} says. */
    public TenantConnections(Supplier<Optional<TenantId>> tenant) {
        this.tenant = tenant;
    }

    /** The connection of this data source the current thread took last and has not closed yet. */
    public Optional<Connection> heldByThisThread() {
        for (Connection connection : held.get()) {
            try {
                if (!connection.isClosed()) {
                    return Optional.of(connection);
                }
            } catch (SQLException e) {
                // A connection that cannot say is no transaction to join.
            }
        }
        return Optional.empty();
    }

    /** {@code connection} as a tenant-aware connection, held by the current thread until it is closed. */
    public Connection wrap(Connection connection) {
        Deque<Connection> owner = held.get();
        Handler handler = new Handler(connection, owner);
        Connection proxy = (Connection) Proxy.newProxyInstance(TenantConnections.class.getClassLoader(),
                new Class<?>[] {Connection.class}, handler);
        handler.self = proxy;
        owner.addFirst(proxy);
        return proxy;
    }

    private final class Handler implements InvocationHandler {
        private final Connection delegate;
        private final Deque<Connection> owner;
        private Connection self;
        /** The value set for the current transaction, null when none is set in it yet. */
        private String inTransaction;
        /** The value set for the session (auto-commit mode), null when the session holds none of ours. */
        private String inSession;
        private boolean closed;

        Handler(Connection delegate, Deque<Connection> owner) {
            this.delegate = delegate;
            this.owner = owner;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close":
                    return close();
                case "isClosed":
                    return closed || delegate.isClosed();
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "tenant-aware " + delegate;
                case "unwrap":
                    return ((Class<?>) args[0]).isInstance(proxy) ? proxy : delegate.unwrap((Class<?>) args[0]);
                case "isWrapperFor":
                    return ((Class<?>) args[0]).isInstance(proxy) || delegate.isWrapperFor((Class<?>) args[0]);
                case "commit":
                case "setAutoCommit":
                    // Either ends the transaction the value was set in.
                    inTransaction = null;
                    return call(delegate, method, args);
                case "rollback":
                    inTransaction = null;
                    return call(delegate, method, args);
                case "setSavepoint":
                    // Set before the savepoint, so that rolling back to it keeps the tenant.
                    ensureTenant(null);
                    return call(delegate, method, args);
                default:
                    break;
            }
            Object result = call(delegate, method, args);
            if (result instanceof Statement statement && method.getName().startsWith("prepare")
                    || result instanceof Statement && method.getName().equals("createStatement")) {
                String sql = args != null && args.length > 0 && args[0] instanceof String s ? s : null;
                return statement(method.getReturnType(), (Statement) result, sql);
            }
            return result;
        }

        private Object statement(Class<?> type, Statement statement, String preparedSql) {
            Class<?> iface = CallableStatement.class.isAssignableFrom(type) ? CallableStatement.class
                    : PreparedStatement.class.isAssignableFrom(type) ? PreparedStatement.class : Statement.class;
            return Proxy.newProxyInstance(TenantConnections.class.getClassLoader(), new Class<?>[] {iface},
                    (proxy, method, args) -> {
                        String name = method.getName();
                        switch (name) {
                            case "getConnection":
                                return self;
                            case "equals":
                                return proxy == args[0];
                            case "hashCode":
                                return System.identityHashCode(proxy);
                            default:
                                break;
                        }
                        if (EXECUTES.contains(name)) {
                            String sql = args != null && args.length > 0 && args[0] instanceof String s
                                    ? s : preparedSql;
                            ensureTenant(sql);
                        }
                        return call(statement, method, args);
                    });
        }

        private void ensureTenant(String sql) throws SQLException {
            if (sql != null && mustComeFirst(sql)) {
                if (endsTransaction(sql)) {
                    // COMMIT or ROLLBACK as SQL text ends what commit() and rollback() would.
                    inTransaction = null;
                }
                return;
            }
            String value = tenant.get().map(TenantId::toString).orElse("");
            if (!delegate.getAutoCommit()) {
                if (value.equals(inTransaction) || inTransaction == null && value.isEmpty() && inSession == null) {
                    return;
                }
                set(value, true);
                inTransaction = value;
            } else if (!value.equals(inSession == null ? "" : inSession)) {
                set(value, false);
                inSession = value.isEmpty() ? null : value;
            }
        }

        private Object close() throws SQLException {
            if (closed) {
                return null;
            }
            closed = true;
            owner.remove(self);
            try {
                if (inSession != null && !delegate.isClosed()) {
                    // A pooled connection must not carry a session-level tenant to its next user.
                    boolean autoCommit = delegate.getAutoCommit();
                    if (!autoCommit) {
                        // What the caller left uncommitted is lost on close anyway; the reset must commit, or
                        // the pool's own rollback would undo it.
                        delegate.rollback();
                    }
                    set("", false);
                    if (!autoCommit) {
                        delegate.commit();
                    }
                }
            } finally {
                delegate.close();
            }
            return null;
        }

        private void set(String value, boolean local) throws SQLException {
            // On the driver's connection: through the proxy it would ask for the tenant again.
            Scopes.setTenant(delegate, value, local);
        }
    }

    private static boolean endsTransaction(String sql) {
        String head = sql.strip().toUpperCase(Locale.ROOT);
        // ROLLBACK TO SAVEPOINT included: it may undo a tenant set after the savepoint; setting it again is cheap.
        return head.startsWith("COMMIT") || head.startsWith("END") || head.startsWith("ABORT")
                || head.startsWith("ROLLBACK");
    }

    private static boolean mustComeFirst(String sql) {
        String head = sql.stripLeading().toUpperCase(Locale.ROOT);
        for (String prefix : NOT_BEFORE) {
            if (head.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
