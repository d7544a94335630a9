package com.alphapulse.db.engine.internal;

import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.migrations.RowSecurity;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.migrations.Version;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The catalog a downgrade step decides its table locks and its row-security lift on: what exists, which foreign
 * keys reference what, which tables row-level security filters for the user. The run reads it {@link #live} at
 * each step, as it goes. {@code plan --sql} prints every step before any of them ran, so for a step after the
 * first it reads the {@link #expected} catalog of the version that step starts from: the one description of a
 * version's state the build produced from a real PostgreSQL (verification compares a database with it; the catalog
 * check refuses a downgrade whose live catalog differs), rather than a second model of what each undo script does.
 * Whether row-level security filters the user also depends on who the user is (superuser, BYPASSRLS, the tables'
 * owner), which no version changes: that is always read live.
 */
final class StepCatalog {

    private static final Pattern FOREIGN_KEY = Pattern.compile("(?s)FOREIGN KEY \\(([^)]*)\\) REFERENCES .*");

    /** The connection; for an expected catalog only the user's own attributes are read from it. */
    private final Connection c;
    /** The expected catalog; null: live. */
    private final Expected expected;

    /** A foreign key of a table: its name, the referencing columns and the referenced table. */
    record ForeignKey(String name, List<String> columns, String referenced) {}

    /**
     * What a version's expected catalog says of its tables in schema public, parsed once per set and version:
     * per table its row-security flags {enabled, forced}, its columns as "table.column", per table its foreign keys.
     */
    record Expected(Map<String, boolean[]> tables, Set<String> columns, Map<String, List<ForeignKey>> foreignKeys) {

        /** The tables that have {@code column}, in name order. */
        Set<String> tablesWith(String column) {
            Set<String> out = new TreeSet<>();
            for (String t : tables.keySet()) {
                if (columns.contains(t + "." + column)) {
                    out.add(t);
                }
            }
            return out;
        }

        boolean rowSecurityEnabled(String table) {
            boolean[] flags = tables.get(table);
            return flags != null && flags[0];
        }
    }

    private StepCatalog(Connection c, Expected expected) {
        this.c = c;
        this.expected = expected;
    }

    /** The catalog as it is on {@code c} now. */
    static StepCatalog live(Connection c) {
        return new StepCatalog(c, null);
    }

    /** The expected catalog of {@code version} of {@code set} (base: no table), the user read on {@code c}. */
    static StepCatalog expected(Connection c, MigrationSet set, Version version) {
        return new StepCatalog(c, expectedOf(set, version));
    }

    /** The expected catalog of {@code version} of {@code set} (base: no table), needing no database. */
    static Expected expectedOf(MigrationSet set, Version version) {
        if (version.isBase()) {
            return new Expected(Map.of(), Set.of(), Map.of());
        }
        SchemaVersion v = Targets.version(set, version);
        return set.derived("step-catalog:" + v.label(), () -> {
            Map<String, boolean[]> tables = new LinkedHashMap<>();
            Set<String> columns = new TreeSet<>();
            Map<String, List<ForeignKey>> foreignKeys = new LinkedHashMap<>();
            for (Map<String, String> r : v.expectedCatalog("tables")) {
                tables.put(r.get("table_name"), new boolean[] {"true".equals(r.get("rls_enabled")), "true".equals(r.get("rls_forced"))});
            }
            for (Map<String, String> r : v.expectedCatalog("columns")) {
                columns.add(r.get("table_name") + "." + r.get("name"));
            }
            for (Map<String, String> r : v.expectedCatalog("constraints")) {
                Matcher m = FOREIGN_KEY.matcher(r.get("definition"));
                if ("FOREIGN KEY".equals(r.get("constraint_type")) && m.matches()) {
                    List<String> cols = new ArrayList<>();
                    for (String col : m.group(1).split(",")) {
                        cols.add(Script.name(col));
                    }
                    foreignKeys.computeIfAbsent(r.get("table_name"), t -> new ArrayList<>())
                            .add(new ForeignKey(r.get("name"), List.copyOf(cols), r.get("referenced_table")));
                }
            }
            return new Expected(java.util.Collections.unmodifiableMap(tables), java.util.Collections.unmodifiableSet(columns),
                    java.util.Collections.unmodifiableMap(foreignKeys));
        });
    }

    boolean isLive() {
        return expected == null;
    }

    boolean tableExists(String table) throws SQLException {
        if (isLive()) {
            return Catalog.tableExists(c, table);
        }
        String t = inPublic(table);
        return t == null ? Catalog.tableExists(c, table) : expected.tables().containsKey(t);
    }

    boolean columnExists(String table, String column) throws SQLException {
        if (isLive()) {
            return Catalog.columnExists(c, table, column);
        }
        String t = inPublic(table);
        return t == null ? Catalog.columnExists(c, table, column) : expected.columns().contains(t + "." + column);
    }

    /** As {@link Catalog#referencedTables}: the other tables {@code table}'s foreign keys (over {@code column}, if given) reference. */
    List<String> referencedTables(String table, String column) throws SQLException {
        if (isLive()) {
            return Catalog.referencedTables(c, table, column);
        }
        String t = inPublic(table);
        if (t == null) {
            return Catalog.referencedTables(c, table, column);
        }
        Set<String> out = new TreeSet<>();
        for (ForeignKey fk : expected.foreignKeys().getOrDefault(t, List.of())) {
            if (!fk.referenced().equals(t) && (column == null || fk.columns().contains(column))) {
                out.add(fk.referenced());
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * As {@link RowSecurity#filtered}: the tables of {@code tables} whose rows row-level security filters for the
     * user (enabled, and forced or not owned by the user; never for a superuser or BYPASSRLS user).
     */
    List<String> rowSecurityFiltered(Collection<String> tables) throws SQLException {
        List<String> in = new ArrayList<>(new LinkedHashSet<>(tables));
        if (isLive()) {
            return RowSecurity.filtered(c, in);
        }
        List<String> out = new ArrayList<>();
        if (in.isEmpty() || RowSecurity.bypasses(c)) {
            return out;
        }
        for (String table : in) {
            String t = inPublic(table);
            if (t == null) {
                out.addAll(RowSecurity.filtered(c, List.of(table)));
                continue;
            }
            boolean[] flags = expected.tables().get(t);
            if (flags != null && flags[0] && (flags[1] || !ownedByUser(table))) {
                out.add(table);
            }
        }
        return out;
    }

    /** Ownership does not change with the version; a table the live database lacks is one the migration role will create. */
    private boolean ownedByUser(String table) throws SQLException {
        Object owns = Sql.value(c, "SELECT pg_has_role(current_user, c.relowner, 'USAGE') FROM pg_class c "
                + "WHERE c.oid = to_regclass(?)", Catalog.regclass(table));
        return owns == null || Boolean.TRUE.equals(owns);
    }

    /**
     * The name in schema public the expected catalogs use, or null for a table of another schema, which they do not
     * describe and no version changes: read live.
     */
    private static String inPublic(String table) {
        int dot = table.indexOf('.');
        if (dot < 0) {
            return table;
        }
        return "public".equals(table.substring(0, dot)) ? table.substring(dot + 1) : null;
    }
}
