package com.alphapulse.db.engine.internal;

import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.MigrationException.Code;
import java.sql.SQLException;
import java.util.Optional;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** Turns whatever JDBC, jOOQ or Flyway threw into one {@link MigrationException} with a one-line message. */
final class Errors {

    private Errors() {}

    /** The first SQLException in {@code t}'s cause chain. */
    static Optional<SQLException> sqlCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException e) {
                return Optional.of(e);
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return Optional.empty();
    }

    /** The SQLSTATE of the first SQLException in the chain, or "" when there is none. */
    static String sqlState(Throwable t) {
        return sqlCause(t).map(SQLException::getSQLState).map(s -> s == null ? "" : s).orElse("");
    }

    /** The error code a failure with this SQLSTATE maps to. */
    static Code code(String sqlState, String message) {
        if (sqlState == null || sqlState.isEmpty()) {
            return Code.FAILED;
        }
        return switch (sqlState) {
            case "42501" -> Code.INSUFFICIENT_PRIVILEGE;
            // A deadlock is a lock conflict too: PostgreSQL cancelled this session's statement to break a cycle with
            // another session's locks, the transaction rolled back, and a retry after a pause usually gets through.
            case "55P03", "40P01" -> Code.LOCK_TIMEOUT;
            // Any other cancel is someone's decision to stop the run (pg_cancel_backend, the CLI on a signal).
            case "57014" -> message != null && message.contains("statement timeout") ? Code.STATEMENT_TIMEOUT : Code.INTERRUPTED;
            case "57P01", "57P02", "57P03", "08006", "08003", "08007" -> Code.INTERRUPTED;
            case "08001", "08004", "28000", "28P01", "3D000" -> Code.CONNECTION_FAILED;
            default -> Code.FAILED;
        };
    }

    /** SQLSTATE of "deadlock detected". */
    static final String DEADLOCK = "40P01";
    /** A lock not granted within lock_timeout, or a deadlock: what a retry may cure. */
    static final java.util.Set<String> LOCK_STATES = java.util.Set.of("55P03", DEADLOCK);

    /**
     * What kind of lock conflict {@code t} is, for progress lines and the journal: "deadlock" (40P01), "lock not
     * granted" (55P03, lock_timeout), or null for anything else.
     */
    static String lockConflict(Throwable t) {
        return switch (sqlState(t)) {
            case DEADLOCK -> "deadlock";
            case "55P03" -> "lock not granted";
            default -> null;
        };
    }

    /**
     * PostgreSQL's own error text with its DETAIL and HINT and its SQLSTATE, without driver decoration, on one
     * line. The DETAIL is often the only part that names the object at fault ("view reporting_trades depends on
     * column tenant_id of table trades"), so it is kept; its lines are joined, because the CLI prints one line.
     */
    static String describe(Throwable t) {
        Optional<SQLException> sql = sqlCause(t);
        if (sql.isPresent()) {
            SQLException e = sql.get();
            String text;
            if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
                ServerErrorMessage m = p.getServerErrorMessage();
                text = oneLine(m.getMessage());
                if (m.getDetail() != null && !m.getDetail().isBlank()) {
                    text += " (detail: " + withoutRowValues(oneLine(m.getDetail())) + ")";
                }
                if (m.getHint() != null && !m.getHint().isBlank()) {
                    text += " (hint: " + oneLine(m.getHint()) + ")";
                }
            } else {
                text = firstLine(e.getMessage());
            }
            String state = e.getSQLState();
            return text + (state == null || state.isEmpty() ? "" : " [SQLSTATE " + state + "]");
        }
        return firstLine(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
    }

    private static final java.util.regex.Pattern FAILING_ROW = java.util.regex.Pattern.compile("Failing row contains \\(.*\\)\\.?");
    // The value group ends where the verb begins, so a key or value with parentheses in it (lower(email::text))
    // is withheld whole.
    private static final java.util.regex.Pattern KEY_VALUE = java.util.regex.Pattern.compile(
            "(Key \\(.+?\\))=\\(.*?\\)( already exists| is not present| is still referenced| is duplicated| conflicts with)");
    private static final java.util.regex.Pattern EXISTING_KEY = java.util.regex.Pattern.compile(
            "(existing key \\(.+?\\))=\\(.*\\)");

    /**
     * A DETAIL without the row values PostgreSQL quotes ("Failing row contains (…)", "Key (email)=(…)"): they
     * are tenant data, and the message goes to a terminal, CI logs and the journal. The names stay.
     */
    static String withoutRowValues(String detail) {
        String d = FAILING_ROW.matcher(detail).replaceAll("Failing row contains (values withheld).");
        d = KEY_VALUE.matcher(d).replaceAll("$1=(value withheld)$2");
        return EXISTING_KEY.matcher(d).replaceAll("$1=(value withheld)");
    }

    /** {@code text}'s lines joined with "; ", for server texts that may span lines (a DETAIL per dependent object). */
    static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        return String.join("; ", text.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
    }

    /** {@code what} failed because of {@code t}: the mapped code, PostgreSQL's message, the password scrubbed. */
    static MigrationException translate(EngineSettings s, String what, Throwable t) {
        if (t instanceof MigrationException m) {
            return m;
        }
        String state = sqlState(t);
        String described = describe(t);
        Code code = code(state, described);
        String message = what + ": " + described;
        if (code == Code.INTERRUPTED) {
            message += "; the database is at a whole version, run the command again to finish";
        }
        if (code == Code.CONNECTION_FAILED) {
            // A connection failure carries no cause: the driver's exception may hold the URL's parameters.
            return new MigrationException(code, scrub(s, message));
        }
        return new MigrationException(code, scrub(s, message), t);
    }

    /**
     * Like {@link #translate}, for a version that ran outside a transaction and stopped part-way: what it did
     * before the failure stays, so the database is not at a whole version and re-running is the wrong advice.
     * A terminated session is therefore {@code FAILED}, not {@code INTERRUPTED}; {@code what} says to repair.
     */
    static MigrationException translatePartial(EngineSettings s, String what, Throwable t) {
        if (t instanceof MigrationException m) {
            return m;
        }
        String described = describe(t);
        Code code = code(sqlState(t), described);
        if (code == Code.INTERRUPTED || code == Code.CONNECTION_FAILED) {
            code = Code.FAILED;
        }
        return new MigrationException(code, scrub(s, what + ": " + described), t);
    }

    /** A failure to connect: one line, no cause, no password. */
    static MigrationException connectFailed(EngineSettings s, Throwable t) {
        // The server answered and refused this user the database (no CONNECT): a grant fixes it, not the network.
        if ("42501".equals(sqlState(t))) {
            return new MigrationException(Code.INSUFFICIENT_PRIVILEGE,
                    scrub(s, "the server refused " + s.target() + ": " + describe(t) + " (GRANT CONNECT ON DATABASE …)"));
        }
        return new MigrationException(Code.CONNECTION_FAILED,
                scrub(s, "cannot connect to " + s.target() + ": " + describe(t)));
    }

    static String scrub(EngineSettings s, String message) {
        String secret = s == null ? null : s.secret();
        // Any length: a short password is still a password, and a mangled message is the lesser harm.
        if (secret == null || secret.isEmpty() || message == null) {
            return message;
        }
        return message.replace(secret, "****");
    }

    static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        String t = text.strip();
        int nl = t.indexOf('\n');
        return (nl < 0 ? t : t.substring(0, nl)).strip();
    }
}
