package com.alphapulse.db.verification.internal;

import com.alphapulse.db.verification.VerificationException;
import com.alphapulse.db.verification.VerificationException.Code;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import javax.sql.DataSource;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A login role that exists only for the duration of one probe or measurement: never superuser, never
 * BYPASSRLS, never the owner of anything, with a random name and password. {@link #close()} revokes what it
 * was granted and drops it.
 */
final class TempRole implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TempRole.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final DataSource ds;
    private final Connection admin;
    private final String name;
    private final String password;
    private final List<Connection> sessions = new ArrayList<>();
    /** The sessions of the data source switched with SET ROLE, which must be reset before they are closed. */
    private final Set<Connection> switched = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean loginSessions = true;

    private TempRole(DataSource ds, Connection admin, String name, String password) {
        this.ds = ds;
        this.admin = admin;
        this.name = name;
        this.password = password;
    }

    static String random(int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    /**
     * Creates the role and grants it the four commands on {@code tables} (and their sequences). Runs on
     * {@code admin} in autocommit mode: the role must be visible to the sessions that log in as it.
     */
    static TempRole create(DataSource ds, Connection admin, String prefix, List<String> tables, String privileges) {
        TempRole role = new TempRole(ds, admin, prefix + random(10), random(32));
        try {
            admin.setAutoCommit(true);
            // CREATE ROLE takes no bind parameters; jOOQ renders the name and password as quoted literals.
            Jdbc.dsl(admin).execute("CREATE ROLE {0} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE "
                    + "NOINHERIT PASSWORD {1}", DSL.name(role.name), DSL.inline(role.password));
        } catch (SQLException | RuntimeException e) {
            throw new VerificationException(Code.PROBE_SETUP_FAILED, "cannot create the temporary role "
                    + role.name + ": " + e.getMessage(), e);
        }
        try (Statement s = admin.createStatement()) {
            s.execute("GRANT USAGE ON SCHEMA public TO " + Jdbc.ident(role.name));
            for (String t : tables) {
                s.execute("GRANT " + privileges + " ON " + Jdbc.table(t) + " TO " + Jdbc.ident(role.name));
            }
            s.execute("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO " + Jdbc.ident(role.name));
        } catch (SQLException | RuntimeException e) {
            VerificationException failure = new VerificationException(Code.PROBE_SETUP_FAILED,
                    "cannot grant privileges to the temporary role " + role.name + ": " + e.getMessage(), e);
            try {
                role.close();
            } catch (RuntimeException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
        return role;
    }

    String name() {
        return name;
    }

    /** Whether every session so far really logged in as the role (rather than SET ROLE). */
    boolean loginSessions() {
        return loginSessions;
    }

    /**
     * A new session as this role: a real login through the data source, else through the driver with the
     * data source's URL, else (when neither can log in, e.g. a pool that ignores credentials or pg_hba that
     * refuses the role) a session of the data source switched with SET ROLE. A switched session belongs to
     * the data source (typically a pool): it starts from RESET ALL, so nothing a previous user of it set
     * leaks into the probe, and {@link #close()} resets it again before handing it back.
     */
    Connection connect() {
        Connection c = login();
        if (c != null) {
            sessions.add(c);
            return c;
        }
        Connection pooled;
        try {
            pooled = ds.getConnection();
        } catch (SQLException e) {
            throw new VerificationException(Code.PROBE_SETUP_FAILED, "cannot open a session as " + name + ": "
                    + e.getMessage(), e);
        }
        try {
            pooled.setAutoCommit(true);
            try (Statement s = pooled.createStatement()) {
                s.execute("RESET ALL");
                s.execute("SET ROLE " + Jdbc.ident(name));
            }
        } catch (SQLException | RuntimeException e) {
            VerificationException failure = new VerificationException(Code.PROBE_SETUP_FAILED,
                    "cannot open a session as " + name + ": " + e.getMessage(), e);
            try {
                reset(pooled);
            } catch (SQLException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
        loginSessions = false;
        sessions.add(pooled);
        switched.add(pooled);
        return pooled;
    }

    /** A session logged in as the role, or null when neither the data source nor the driver can log in. */
    private Connection login() {
        Connection c = null;
        try {
            c = ds.getConnection(name, password);
            if (isRole(c)) {
                return c;
            }
        } catch (SQLException | UnsupportedOperationException e) {
            LOG.debug("the data source cannot log in as {}: {}", name, e.getMessage());
        }
        // Also a session the data source opened as someone else (a pool that ignores credentials).
        closeQuietly(c);
        c = null;
        try {
            String url = admin.getMetaData().getURL();
            Properties p = new Properties();
            p.setProperty("user", name);
            p.setProperty("password", password);
            c = DriverManager.getConnection(url, p);
            if (isRole(c)) {
                return c;
            }
        } catch (SQLException e) {
            LOG.debug("the driver cannot log in as {}: {}", name, e.getMessage());
        }
        closeQuietly(c);
        return null;
    }

    private void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("closing a session that is not {}: {}", name, e.getMessage());
        }
    }

    private boolean isRole(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT current_user")) {
            return rs.next() && name.equals(rs.getString(1));
        }
    }

    /**
     * Closes the role's sessions (a switched one reset first), revokes its privileges and drops it; throws
     * if the role is left behind or a switched session could not be reset.
     */
    @Override
    public void close() {
        VerificationException failure = null;
        for (Connection c : sessions) {
            if (switched.contains(c)) {
                try {
                    reset(c);
                } catch (SQLException e) {
                    failure = chain(failure, new VerificationException(Code.CLEANUP_FAILED, "a session of the data "
                            + "source switched to " + name + " could not be reset; it was aborted rather than "
                            + "returned as " + name + ": " + e.getMessage(), e));
                }
                continue;
            }
            try {
                Jdbc.rollbackQuietly(c);
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing a session of {}: {}", name, e.getMessage());
            }
        }
        sessions.clear();
        switched.clear();
        try {
            Jdbc.rollbackQuietly(admin);
            admin.setAutoCommit(true);
            try (Statement s = admin.createStatement()) {
                // DROP OWNED revokes every privilege the role holds in this database.
                s.execute("DROP OWNED BY " + Jdbc.ident(name));
                s.execute("DROP ROLE " + Jdbc.ident(name));
            }
        } catch (SQLException e) {
            failure = chain(failure, new VerificationException(Code.CLEANUP_FAILED, "the temporary role " + name
                    + " could not be dropped, drop it by hand: " + e.getMessage(), e));
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static VerificationException chain(VerificationException first, VerificationException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    /**
     * Hands a switched session back to its data source as it came: no transaction, no role, every setting
     * (tenant, statement_timeout, ...) back at its session default. When that fails the physical connection
     * is aborted, so that a pool discards it instead of lending it out still switched.
     */
    private static void reset(Connection c) throws SQLException {
        SQLException failure = null;
        try {
            Jdbc.rollbackQuietly(c);
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("RESET ROLE");
                s.execute("RESET ALL");
            }
        } catch (SQLException e) {
            failure = e;
            try {
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException abort) {
                failure.addSuppressed(abort);
            }
        }
        try {
            c.close();
        } catch (SQLException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
