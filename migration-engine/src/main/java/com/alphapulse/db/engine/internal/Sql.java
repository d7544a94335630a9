package com.alphapulse.db.engine.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/** jOOQ on a borrowed connection, and raw execution of script statements. */
final class Sql {

    private static final Settings SETTINGS = new Settings()
            .withExecuteLogging(false)
            .withRenderFormatted(false);

    private Sql() {}

    /** A jOOQ context on {@code c}; closing it never closes {@code c}. */
    static DSLContext ctx(Connection c) {
        return DSL.using(c, SQLDialect.POSTGRES, SETTINGS);
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

        int execute(Connection c) {
            return ctx(c).execute(sql, binds);
        }

        org.jooq.Result<org.jooq.Record> fetch(Connection c) {
            return ctx(c).fetch(sql, binds);
        }

        Object fetchValue(Connection c) {
            return ctx(c).fetchValue(sql, binds);
        }

        /** The statement with its values as literals, ending in {@code ;}. */
        String inline() {
            return DSL.using(SQLDialect.POSTGRES, SETTINGS).renderInlined(DSL.query(sql, binds)) + ";";
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
