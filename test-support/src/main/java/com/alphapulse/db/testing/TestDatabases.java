package com.alphapulse.db.testing;

import com.alphapulse.db.migrations.CatalogQueries;
import com.alphapulse.db.migrations.MigrationFlyway;
import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.migrations.Version;
import com.alphapulse.db.postgres.Database;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Migrating, undoing, querying and describing test databases, the way the tools really run the scripts. */
public final class TestDatabases {

    private TestDatabases() {}

    /** Migrates {@code db} to {@code version} of its set, through the one Flyway configuration. */
    public static void migrate(Database db, SchemaVersion version) {
        MigrationFlyway.migrate(version.set(), db.dataSource(), version.version());
    }

    /** Migrates {@code db} to {@code version} of {@code set} (nothing for BASE). */
    public static void migrate(Database db, MigrationSet set, Version version) {
        if (!version.isBase()) {
            MigrationFlyway.migrate(set, db.dataSource(), version);
        }
    }

    /** Index builds CONCURRENTLY: a statement of its own at the start of a line, up to its semicolon. */
    private static final java.util.regex.Pattern CONCURRENT_BUILD = java.util.regex.Pattern.compile(
            "(?im)^\\s*CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+CONCURRENTLY\\b[^;]*;");

    /**
     * Runs an undo script as the rollback engine does (without its archive): its CREATE INDEX CONCURRENTLY
     * statements first, one by one outside any transaction, then the rest in one transaction.
     */
    public static void undo(Database db, SchemaVersion version) throws SQLException {
        String sql = version.undoSql();
        java.util.regex.Matcher m = CONCURRENT_BUILD.matcher(sql);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            while (m.find()) {
                s.execute(m.group());
            }
        }
        String rest = CONCURRENT_BUILD.matcher(sql).replaceAll("");
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(rest);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    public static void execute(Database db, String sql) {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public static long count(Database db, String sql) {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /**
     * What a run that must change nothing could change, as text, one entry per aspect: relations (kind, forced row
     * security), columns, constraints and policies of {@code public} (and the engine's schema), Flyway's history,
     * the engine's journal and progress rows, the rows of {@code trades}, and advisory locks held. Equal before and
     * after means nothing changed. The database must have been migrated by the engine to 002 or above (the engine's
     * schema and {@code trades} exist).
     */
    public static List<String> fingerprint(Database db) {
        List<String> out = new ArrayList<>();
        for (String sql : List.of(
                "SELECT string_agg(c.relname || ':' || c.relkind::text || ':' || c.relforcerowsecurity::text, ',' ORDER BY c.relname) "
                        + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'alphapulse_migration')",
                "SELECT string_agg(attrelid::regclass || '.' || attname, ',' ORDER BY attrelid::regclass::text, attname) FROM pg_attribute "
                        + "WHERE attnum > 0 AND NOT attisdropped AND attrelid IN (SELECT c.oid FROM pg_class c JOIN pg_namespace n "
                        + "ON n.oid = c.relnamespace WHERE n.nspname = 'public')",
                "SELECT coalesce(string_agg(conname, ',' ORDER BY conname), '') FROM pg_constraint WHERE connamespace = 'public'::regnamespace",
                "SELECT coalesce(string_agg(polname, ',' ORDER BY polname), '') FROM pg_policy",
                "SELECT string_agg(installed_rank::text || ':' || coalesce(version, '') || ':' || success::text, ',' ORDER BY installed_rank) "
                        + "FROM public.flyway_schema_history",
                "SELECT count(*)::text FROM alphapulse_migration.journal",
                "SELECT count(*)::text FROM alphapulse_migration.online_progress",
                "SELECT count(*)::text FROM public.trades",
                "SELECT count(*)::text FROM pg_locks WHERE locktype = 'advisory'")) {
            try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                out.add(rs.getString(1));
            } catch (SQLException e) {
                throw new IllegalStateException(sql + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Every catalog query's rows for {@code set}, each row rendered as one line, per query name. */
    public static Map<String, List<String>> catalog(Database db, MigrationSet set) throws SQLException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SET LOCAL search_path = " + CatalogQueries.SEARCH_PATH);
            for (Map.Entry<String, String> q : CatalogQueries.sql(set).entrySet()) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery(q.getValue())) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            row.append(i == 1 ? "" : " | ").append(md.getColumnLabel(i)).append('=').append(rs.getString(i));
                        }
                        rows.add(row.toString());
                    }
                }
                out.put(q.getKey(), rows);
            }
            c.rollback();
        }
        return out;
    }
}
