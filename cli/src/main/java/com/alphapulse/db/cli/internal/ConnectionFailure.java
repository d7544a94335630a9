package com.alphapulse.db.cli.internal;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The first connection of a command failed (exit code 6): what failed, in one line a DBA can act on, with a
 * {@link Reason} that {@code -o json} reports as the error's code. Never carries the password.
 */
final class ConnectionFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, as {@code -o json} names it. */
    enum Reason { UNKNOWN_HOST, CONNECTION_REFUSED, CONNECTION_TIMEOUT, AUTHENTICATION_FAILED, DATABASE_DOES_NOT_EXIST, TLS, CONNECTION_FAILED }

    private final Reason reason;

    ConnectionFailure(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    Reason reason() {
        return reason;
    }

    static ConnectionFailure of(SQLException e, Target t) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String text = String.valueOf(e.getMessage());
        String lower = text.toLowerCase(Locale.ROOT);
        String where = t.describe();
        UnknownHostException unknown = cause(e, UnknownHostException.class);
        if (unknown != null) {
            String host = unknown.getMessage() == null ? String.join(",", t.hosts()) : unknown.getMessage().replaceFirst(":.*", "");
            return new ConnectionFailure(Reason.UNKNOWN_HOST, "unknown host \"" + host + "\": the name does not resolve", e);
        }
        if (cause(e, ConnectException.class) != null || lower.contains("refused")) {
            return new ConnectionFailure(Reason.CONNECTION_REFUSED, "connection refused by " + hostsAndPorts(t)
                    + ": no PostgreSQL accepts TCP connections there (is it running, and is the port right?)", e);
        }
        if (cause(e, SocketTimeoutException.class) != null || lower.contains("timed out") || lower.contains("timeout")) {
            return new ConnectionFailure(Reason.CONNECTION_TIMEOUT, "connection to " + hostsAndPorts(t)
                    + " timed out (a firewall, or a wrong host?)", e);
        }
        if (lower.contains("does not support ssl")) {
            return new ConnectionFailure(Reason.TLS, "TLS required (sslmode=" + t.sslmode() + ") but the server at "
                    + hostsAndPorts(t) + " does not offer it", e);
        }
        if (state.startsWith("28") && lower.contains("no encryption")) {
            return new ConnectionFailure(Reason.TLS, "the server at " + hostsAndPorts(t) + " requires TLS for user \""
                    + t.user() + "\" (pg_hba.conf hostssl) but sslmode=" + t.sslmode() + ": use sslmode=require or stronger", e);
        }
        if (cause(e, javax.net.ssl.SSLException.class) != null || lower.contains("ssl error")) {
            return new ConnectionFailure(Reason.TLS, "TLS with " + hostsAndPorts(t) + " failed (sslmode=" + t.sslmode() + "): "
                    + oneLine(text), e);
        }
        if ("28P01".equals(state)) {
            return new ConnectionFailure(Reason.AUTHENTICATION_FAILED, "authentication failed for user \"" + t.user() + "\" at "
                    + where + ": wrong password (28P01)", e);
        }
        if (state.startsWith("28")) {
            return new ConnectionFailure(Reason.AUTHENTICATION_FAILED, "authentication failed for user \"" + t.user() + "\" at "
                    + where + ": " + oneLine(text) + " (" + state + ")", e);
        }
        if (lower.contains("no password was provided")) {
            return new ConnectionFailure(Reason.AUTHENTICATION_FAILED, "authentication failed for user \"" + t.user() + "\" at "
                    + where + ": the server asks for a password and none was given (--password, PGPASSWORD, ~/.pgpass, "
                    + "config file)", e);
        }
        if ("3D000".equals(state)) {
            return new ConnectionFailure(Reason.DATABASE_DOES_NOT_EXIST, "database \"" + t.database() + "\" does not exist on "
                    + hostsAndPorts(t), e);
        }
        return new ConnectionFailure(Reason.CONNECTION_FAILED, "cannot connect to " + where + ": " + oneLine(text), e);
    }

    private static String hostsAndPorts(Target t) {
        String d = t.describe();
        return d.substring(d.indexOf('@') + 1, d.lastIndexOf('/'));
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
