package com.alphapulse.db.engine.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * Plain JDBC for the catalog reads and the engine's own statements ({@link Bound}), raw execution of script
 * statements, and jOOQ on a borrowed connection for what builds SQL (the archive's copies) or renders it
 * ({@link Bound#inline()}): status, verify and plan load no jOOQ class (a jOOQ context costs some 850 classes, most of
 * such a command's start).
 */
final class Sql {

    /** jOOQ's settings, built on first use of jOOQ: the plain JDBC reads load no jOOQ class. */
    private static final class Jooq {
        static final Settings SETTINGS = new Settings()
                .withExecuteLogging(false)
                .withRenderFormatted(false);

        private Jooq() {}
    }

    private Sql() {}

    /** A jOOQ context on {@code c}; closing it never closes {@code c}. */
    static DSLContext ctx(Connection c) {
        return DSL.using(c, SQLDialect.POSTGRES, Jooq.SETTINGS);
    }

    /**
     * A read on plain JDBC: each row's values as {@code ResultSet.getObject} gives them, {@code binds} set with
     * {@code setObject} (as jOOQ binds them: a Long is a bigint, a String a varchar).
     */
    static List<Object[]> rows(Connection c, String sql, Object... binds) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, binds)) {
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                List<Object[]> out = new ArrayList<>();
                while (rs.next()) {
                    Object[] row = new Object[n];
                    for (int i = 0; i < n; i++) {
                        row[i] = rs.getObject(i + 1);
                    }
                    out.add(row);
                }
                return out;
            }
        }
    }

    /** A JDBC failure where the caller declares none; {@link Errors} reads the SQLException it carries. */
    static final class Failure extends RuntimeException {
        Failure(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Work on a connection that may throw SQLException. */
    interface Work<T> {
        T run() throws SQLException;
    }

    /** {@code work}'s result, its SQLException rethrown as a {@link Failure}, for code that has no checked path. */
    static <T> T unchecked(Work<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw new Failure(e);
        }
    }

    /** The first column of {@link #rows} as text (null stays null). */
    static List<String> strings(Connection c, String sql, Object... binds) throws SQLException {
        List<String> out = new ArrayList<>();
        for (Object[] row : rows(c, sql, binds)) {
            out.add(row[0] == null ? null : row[0].toString());
        }
        return out;
    }

    /** {@code sql} prepared on {@code c} with {@code binds} set by {@code setObject}; the caller closes it. */
    private static PreparedStatement prepare(Connection c, String sql, Object... binds) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < binds.length; i++) {
                ps.setObject(i + 1, binds[i]);
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    /** The first row of {@link #rows}, null for none (further rows are not looked at: for queries of one row). */
    static Object[] row(Connection c, String sql, Object... binds) throws SQLException {
        List<Object[]> rows = rows(c, sql, binds);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** The first value of {@link #rows}, null for no row. */
    static Object value(Connection c, String sql, Object... binds) throws SQLException {
        Object[] row = row(c, sql, binds);
        return row == null ? null : row[0];
    }

    /** A value of {@link #rows} as an Integer (null stays null). */
    static Integer integer(Object value) {
        return value == null ? null : ((Number) value).intValue();
    }

    /** A value of {@link #rows} as a Long (null stays null). */
    static Long bigint(Object value) {
        return value == null ? null : ((Number) value).longValue();
    }

    /** A timestamp value of {@link #rows} as an Instant (null stays null). */
    static java.time.Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof java.time.OffsetDateTime o ? o.toInstant() : ((java.sql.Timestamp) value).toInstant();
    }

    /**
     * Runs one statement of a script exactly as written (no bind markers, no JDBC escapes) and appends the
     * warnings and notices PostgreSQL raised to {@code notices}.
     */
    static void executeScriptStatement(Connection c, String sql, List<String> notices) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.setEscapeProcessing(false);
            s.execute(sql);
            for (SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
                notices.add(w.getMessage());
            }
        }
    }

    /** Runs a statement without results, no bind values. */
    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.setEscapeProcessing(false);
            s.execute(sql);
        }
    }

    /**
     * One of the engine's own statements with its bind values: what a real run executes and what a dry run
     * prints ({@link #inline()}), so that the script a person reviews is rendered from the same text.
     */
    record Bound(String sql, Object... binds) {

        /** Runs it: the rows it changed, 0 for a query (whose rows are not read). */
        int execute(Connection c) throws SQLException {
            try (PreparedStatement ps = prepare(c, sql, binds)) {
                return ps.execute() ? 0 : ps.getUpdateCount();
            }
        }

        /** Its first value, as {@link Sql#value} gives it. */
        Object value(Connection c) throws SQLException {
            return Sql.value(c, sql, binds);
        }

        /** The statement with its values as literals, ending in {@code ;}. */
        String inline() {
            return DSL.using(SQLDialect.POSTGRES, Jooq.SETTINGS).renderInlined(DSL.query(sql, binds)) + ";";
        }
    }

    /** {@code name} as a quoted SQL identifier. */
    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** A duration as a PostgreSQL interval literal in milliseconds, e.g. {@code 3000ms}. */
    static String millis(java.time.Duration d) {
        return String.format(Locale.ROOT, "%dms", Math.max(d.toMillis(), 1));
    }
}
