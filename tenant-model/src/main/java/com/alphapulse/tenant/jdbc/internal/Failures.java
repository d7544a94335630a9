package com.alphapulse.tenant.jdbc.internal;

import com.alphapulse.tenant.TenantException;
import com.alphapulse.tenant.TenantException.Code;
import com.alphapulse.tenant.TenantId;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;

/**
 * The one translation of database failures into {@link TenantException}, for scopes, the repository and
 * {@link com.alphapulse.tenant.jdbc.TenantErrors}.
 *
 * <p>The message is built from the server's primary message and SQLState only. Anything else a driver or jOOQ
 * puts into its own message (jOOQ's {@code SQL [...]}, pgjdbc's {@code Detail: Key (id)=(...)}, a batch's
 * statement) can hold SQL text and values, and a message ends up in logs. The cause keeps all of it.
 *
 * <p>Row-level security and a missing privilege share SQLState 42501 and differ only in wording, which
 * {@code lc_messages} translates, so with pgjdbc they are told apart by the routine that raised the error
 * (locale-independent): {@code ExecWithCheckOptions} for a policy's WITH CHECK (INSERT, UPDATE, ON CONFLICT,
 * MERGE), {@code check_enable_rls} for a query {@code row_security = off} would let RLS affect; anything else,
 * such as {@code aclcheck_error}, is a privilege. Without pgjdbc's server fields the English text decides.
 */
public final class Failures {

    private static final String NO_TENANT = "AP001";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static final String FOREIGN_KEY_VIOLATION = "23503";
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String INTEGRITY_CLASS = "23";
    private static final String DATA_EXCEPTION_CLASS = "22";
    private static final Set<String> RETRYABLE = Set.of("40001", "40P01");
    private static final Set<String> ROW_SECURITY_ROUTINES = Set.of("ExecWithCheckOptions", "check_enable_rls");

    /** The last quoted name of a message, in the quotes PostgreSQL's translations use too. */
    private static final Pattern QUOTED = Pattern.compile("[\"«»„“]\\s?([^\"«»„“”]+?)\\s?[\"«»“”]");
    /** pgjdbc and others start the first line with the severity ({@code ERROR: }); the rest is not primary. */
    private static final Pattern SEVERITY = Pattern.compile("^[A-Z]+:\\s+");

    /** pgjdbc is an optional dependency: looked up once, and only {@link ServerFields} touches its classes. */
    private static final boolean PGJDBC = present("org.postgresql.util.PSQLException");

    private static final ExecuteListener LISTENER = new Listener();

    /** What the server said about a failure; null where it said nothing. */
    record Fields(String sqlState, String message, String routine, String table, String constraint, String column) {}

    private Failures() {}

    /**
     * {@code failure} (an {@link SQLException} or jOOQ's {@code DataAccessException}, the database's failure
     * anywhere in its cause chain) as a {@link TenantException}, whose message names {@code tenant} when the
     * failure happened in that tenant's scope (null: outside any). A {@link TenantException} is returned as is;
     * a failure without a database cause becomes {@link Code#DATABASE_ERROR}.
     */
    public static TenantException translate(TenantId tenant, Throwable failure) {
        if (failure instanceof TenantException already) {
            return already;
        }
        Fields fields = fields(failure);
        String state = fields.sqlState();
        Code code = code(state, fields.routine(), fields.message());
        String table = fields.table();
        if (table == null && code == Code.ROW_SECURITY_VIOLATION) {
            // The policy check names its table in the message only (no table field in PostgreSQL 15-18).
            table = lastQuoted(fields.message());
        }
        String message = (tenant == null ? "" : "in the scope of tenant " + tenant + ": ")
                + safe(state, fields.message()) + (state == null ? "" : " (" + state + ")");
        return new TenantException(code, message, failure, state, table, fields.constraint(), fields.column());
    }

    /** Whether {@code failure} has a database failure (an {@link SQLException}) in its cause chain. */
    public static boolean fromDatabase(Throwable failure) {
        return sqlException(failure) != null;
    }

    /** {@code e} with another code, everything else kept; for callers that know more, like the repository. */
    public static TenantException recode(TenantException e, Code code) {
        return new TenantException(code, e.getMessage(), e.getCause(), e.sqlState().orElse(null),
                e.table().orElse(null), e.constraint().orElse(null), e.column().orElse(null));
    }

    /** A jOOQ listener that replaces a failed statement's exception by its translation. */
    public static ExecuteListener jooqListener() {
        return LISTENER;
    }

    static Code code(String state, String routine, String message) {
        if (state == null) {
            return Code.DATABASE_ERROR;
        }
        return switch (state) {
            case NO_TENANT -> Code.NO_TENANT_SCOPE;
            case INSUFFICIENT_PRIVILEGE -> rowSecurity(routine, message)
                    ? Code.ROW_SECURITY_VIOLATION : Code.ACCESS_DENIED;
            case FOREIGN_KEY_VIOLATION -> Code.FOREIGN_KEY_VIOLATION;
            case UNIQUE_VIOLATION -> Code.UNIQUE_VIOLATION;
            default -> RETRYABLE.contains(state) ? Code.RETRYABLE
                    : state.startsWith(INTEGRITY_CLASS) ? Code.CONSTRAINT_VIOLATION : Code.DATABASE_ERROR;
        };
    }

    private static boolean rowSecurity(String routine, String message) {
        if (routine != null) {
            return ROW_SECURITY_ROUTINES.contains(routine);
        }
        // Only when the server's fields are out of reach: the English wording of both RLS errors.
        return message != null && message.contains("row-level security");
    }

    static Fields fields(Throwable failure) {
        SQLException sql = sqlException(failure);
        if (sql == null) {
            // Not the server's words: a client-side message may quote a value ("Cannot convert from ...").
            return new Fields(null, "database access failed: " + failure.getClass().getSimpleName(),
                    null, null, null, null);
        }
        if (PGJDBC) {
            Fields server = ServerFields.of(sql);
            if (server != null) {
                return server;
            }
        }
        String message = sql instanceof BatchUpdateException
                ? "a statement of a batch failed" // its own message quotes the statement
                : SEVERITY.matcher(firstLine(sql.getMessage())).replaceFirst("");
        return new Fields(sql.getSQLState(), message, null, null, null, null);
    }

    /**
     * The first SQLException in the cause chain; of a batch, the failure it chains, which is the server's
     * (pgjdbc's batch exception itself quotes the statement with its values).
     */
    private static SQLException sqlException(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                SQLException next = sql instanceof BatchUpdateException ? sql.getNextException() : null;
                return next != null ? next : sql;
            }
        }
        return null;
    }

    /** Data exceptions (class 22) quote the rejected input, which may be a bind value: kept out. */
    private static String safe(String state, String message) {
        if (message == null || message.isBlank()) {
            return "database failure";
        }
        return state != null && state.startsWith(DATA_EXCEPTION_CLASS)
                ? QUOTED.matcher(message).replaceAll("\"…\"") : message;
    }

    private static String lastQuoted(String message) {
        if (message == null) {
            return null;
        }
        Matcher m = QUOTED.matcher(message);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return null;
        }
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).strip();
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, Failures.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Translates a statement's failure; failures that did not come from the database are left alone. */
    private static final class Listener implements ExecuteListener {
        private static final long serialVersionUID = 1L;

        @Override
        public void exception(ExecuteContext ctx) {
            RuntimeException e = ctx.exception();
            if (e != null && !(e instanceof TenantException) && (ctx.sqlException() != null || sqlException(e) != null)) {
                ctx.exception(translate(Scopes.current().orElse(null), e));
            }
        }
    }
}
