package com.alphapulse.db.engine.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.jooq.Name;
import org.jooq.impl.DSL;

/** Catalog look-ups on the live database, by names as {@link Script#name(String)} resolves them. */
final class Catalog {

    private Catalog() {}

    /** A table name for jOOQ's DSL (the preflight's queries, a rendered DROP INDEX): {@code public} unless qualified. */
    static Name table(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? DSL.name("public", name) : DSL.name(name.substring(0, dot), name.substring(dot + 1));
    }

    /** The text {@code to_regclass} takes for {@code name}, quoted: also {@code name} as SQL text, schema-qualified. */
    static String regclass(String name) {
        int dot = name.indexOf('.');
        String schema = dot < 0 ? "public" : name.substring(0, dot);
        String rel = dot < 0 ? name : name.substring(dot + 1);
        return Sql.ident(schema) + "." + Sql.ident(rel);
    }

    static boolean tableExists(Connection c, String table) throws SQLException {
        return Boolean.TRUE.equals(Sql.value(c,
                "SELECT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass(?) AND relkind IN ('r', 'p'))", regclass(table)));
    }

    static boolean columnExists(Connection c, String table, String column) throws SQLException {
        return Boolean.TRUE.equals(Sql.value(c, "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(?) "
                + "AND attname = ? AND attnum > 0 AND NOT attisdropped)", regclass(table), column));
    }

    /** The table an index belongs to, or null when there is no such index. */
    static String indexTable(Connection c, String index) throws SQLException {
        Object t = Sql.value(c, "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
                + "WHERE i.indexrelid = to_regclass(?)", regclass(index));
        return t == null ? null : t.toString();
    }

    /** The table a foreign key constraint references, or null when {@code constraint} is no foreign key. */
    static String referencedTable(Connection c, String table, String constraint) throws SQLException {
        Object t = Sql.value(c, "SELECT r.relname FROM pg_constraint k JOIN pg_class r ON r.oid = k.confrelid "
                + "WHERE k.conrelid = to_regclass(?) AND k.conname = ? AND k.contype = 'f'", regclass(table), constraint);
        return t == null ? null : t.toString();
    }

    /**
     * The other tables {@code table}'s foreign keys reference; only those over {@code column} when it is
     * given. Dropping such a key (with its column or its table) removes the referenced table's RI triggers,
     * which takes ACCESS EXCLUSIVE on the referenced table too.
     */
    static List<String> referencedTables(Connection c, String table, String column) throws SQLException {
        return Sql.strings(c, "SELECT DISTINCT r.relname::text FROM pg_constraint k JOIN pg_class r ON r.oid = k.confrelid "
                + "WHERE k.conrelid = to_regclass(?) AND k.contype = 'f' AND k.confrelid <> k.conrelid "
                + "AND (?::text IS NULL OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = k.conrelid "
                + "AND a.attnum = ANY (k.conkey) AND a.attname = ?::text)) ORDER BY 1", regclass(table), column, column);
    }

    static boolean constraintExists(Connection c, String table, String constraint) throws SQLException {
        return Boolean.TRUE.equals(Sql.value(c, "SELECT EXISTS (SELECT 1 FROM pg_constraint "
                + "WHERE conrelid = to_regclass(?) AND conname = ?)", regclass(table), constraint));
    }

    /** Indexes of schema public that are INVALID, with whether a build of each is still in progress. */
    record InvalidIndex(String name, String table, Integer buildingPid) {}

    static List<InvalidIndex> invalidIndexes(Connection c) throws SQLException {
        List<InvalidIndex> out = new java.util.ArrayList<>();
        for (Object[] r : Sql.rows(c, "SELECT ic.relname::text, tc.relname::text, p.pid FROM pg_index i "
                + "JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class tc ON tc.oid = i.indrelid "
                + "JOIN pg_namespace n ON n.oid = ic.relnamespace "
                + "LEFT JOIN pg_stat_progress_create_index p ON p.index_relid = i.indexrelid "
                + "WHERE n.nspname = 'public' AND NOT i.indisvalid ORDER BY 1")) {
            out.add(new InvalidIndex((String) r[0], (String) r[1], Sql.integer(r[2])));
        }
        return out;
    }

    static boolean indexExists(Connection c, String index) throws SQLException {
        return Boolean.TRUE.equals(Sql.value(c, "SELECT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass(?) "
                + "AND relkind IN ('i', 'I'))", regclass(index)));
    }
}
