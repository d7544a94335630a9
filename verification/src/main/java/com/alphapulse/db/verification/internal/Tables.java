package com.alphapulse.db.verification.internal;

import com.alphapulse.db.verification.VerificationException;
import com.alphapulse.db.verification.VerificationException.Code;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The tables of schema public as the row generator needs them: column types with their length, precision
 * and enum labels, defaults, keys, foreign keys and CHECK definitions, read from pg_catalog in one round
 * trip. Knows no table by name: the tenant tables are those with a tenant_id column, the tenant registry is
 * the table their tenant_id foreign keys point at.
 */
final class Tables {

    /** One column; a domain is described by its base type, which is what a generated value must be. */
    record Column(String name, String declaredType, String baseType, char category, int typmod, List<String> labels,
            boolean notNull, String defaultExpression, boolean identity, boolean generated) {

        /** Filled by PostgreSQL itself: identity, generated, or a sequence default (serial). */
        boolean automatic() {
            return identity || generated || (defaultExpression != null && defaultExpression.contains("nextval("));
        }

        boolean hasDefault() {
            return defaultExpression != null;
        }

        /** The declared length of a character type, or -1 when unbounded. */
        int length() {
            return category == 'S' && typmod > 4 ? typmod - 4 : -1;
        }

        /** The declared precision of numeric, or -1 when unconstrained. */
        int precision() {
            return "numeric".equals(baseType) && typmod >= 4 ? ((typmod - 4) >> 16) & 0xffff : -1;
        }

        /** The declared scale of numeric, or -1 when unconstrained. */
        int scale() {
            return "numeric".equals(baseType) && typmod >= 4 ? (typmod - 4) & 0xffff : -1;
        }
    }

    /** A foreign key; {@code parentSchema} is public unless the parent lives elsewhere. */
    record ForeignKey(String name, List<String> columns, String parentSchema, String parent, List<String> parentColumns) {
        String qualifiedParent() {
            return Jdbc.ident(parentSchema) + "." + Jdbc.ident(parent);
        }
    }

    /** One table of schema public. */
    record Table(String name, Map<String, Column> columns, List<String> primaryKey, List<List<String>> uniques,
            List<ForeignKey> foreignKeys, List<String> checks) {

        boolean hasColumn(String column) {
            return columns.containsKey(column);
        }

        boolean unique(String column) {
            return primaryKey.contains(column) || uniques.stream().anyMatch(u -> u.contains(column));
        }
    }

    private static final String COLUMNS_SQL = "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), "
            + "b.typname, b.typcategory, CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END, "
            + "(SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = b.oid), "
            + "a.attnotnull OR t.typnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity <> '', a.attgenerated <> '' "
            + "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "JOIN pg_type t ON t.oid = a.atttypid "
            + "JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END "
            + "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            + "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attnum > 0 "
            + "AND NOT a.attisdropped AND c.relname <> 'flyway_schema_history' ORDER BY c.relname, a.attnum";

    private static final String CONSTRAINTS_SQL = "SELECT c.relname, k.conname, k.contype::text, "
            + "ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(n, o) JOIN pg_attribute a "
            + "ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o), rn.nspname, r.relname, "
            + "ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY u(n, o) JOIN pg_attribute a "
            + "ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.o), pg_get_constraintdef(k.oid) "
            + "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "LEFT JOIN pg_class r ON r.oid = k.confrelid LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace "
            + "WHERE n.nspname = 'public' AND k.contype IN ('p', 'u', 'f', 'c') "
            + "UNION ALL "
            // Unique indexes that back no constraint restrict the generated values just the same.
            + "SELECT c.relname, i.relname, 'i', ARRAY(SELECT a.attname::text FROM unnest(x.indkey::int2[]) "
            + "WITH ORDINALITY u(n, o) JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.n ORDER BY u.o), "
            + "NULL, NULL, NULL, NULL FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            + "JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE n.nspname = 'public' AND x.indisunique AND NOT EXISTS "
            + "(SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid) "
            + "ORDER BY 1, 2";

    private final Map<String, Table> tables;

    private Tables(Map<String, Table> tables) {
        this.tables = tables;
    }

    /** Reads the tables of schema public; leaves the connection's transaction state alone. */
    static Tables read(Connection c) {
        Map<String, Map<String, Column>> columns = new TreeMap<>();
        Map<String, List<String>> pks = new HashMap<>();
        Map<String, List<List<String>>> uniques = new HashMap<>();
        Map<String, List<ForeignKey>> fks = new HashMap<>();
        Map<String, List<String>> checks = new HashMap<>();
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(COLUMNS_SQL)) {
                while (rs.next()) {
                    String table = rs.getString(1);
                    Column col = new Column(rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5).charAt(0), rs.getInt(6), strings(rs.getArray(7)), rs.getBoolean(8),
                            rs.getString(9), rs.getBoolean(10), rs.getBoolean(11));
                    columns.computeIfAbsent(table, k -> new LinkedHashMap<>()).put(col.name(), col);
                }
            }
            try (ResultSet rs = s.executeQuery(CONSTRAINTS_SQL)) {
                while (rs.next()) {
                    String table = rs.getString(1);
                    List<String> cols = strings(rs.getArray(4));
                    switch (rs.getString(3)) {
                        case "p" -> pks.put(table, cols);
                        case "u", "i" -> uniques.computeIfAbsent(table, k -> new ArrayList<>()).add(cols);
                        case "f" -> fks.computeIfAbsent(table, k -> new ArrayList<>()).add(new ForeignKey(
                                rs.getString(2), cols, rs.getString(5), rs.getString(6), strings(rs.getArray(7))));
                        case "c" -> checks.computeIfAbsent(table, k -> new ArrayList<>()).add(rs.getString(8));
                        default -> { }
                    }
                }
            }
        } catch (SQLException e) {
            throw Jdbc.queryFailed("cannot read the tables of schema public", e);
        }
        Map<String, Table> out = new TreeMap<>();
        columns.forEach((name, cols) -> out.put(name, new Table(name, Collections.unmodifiableMap(cols),
                pks.getOrDefault(name, List.of()), List.copyOf(uniques.getOrDefault(name, List.of())),
                List.copyOf(fks.getOrDefault(name, List.of())), List.copyOf(checks.getOrDefault(name, List.of())))));
        return new Tables(Collections.unmodifiableMap(out));
    }

    private static List<String> strings(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        return Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
    }

    Optional<Table> get(String name) {
        return Optional.ofNullable(tables.get(name));
    }

    Table require(String name) {
        Table t = tables.get(name);
        if (t == null) {
            throw new VerificationException(Code.PRECONDITION_FAILED, "there is no table public." + name);
        }
        return t;
    }

    /**
     * The tenant registry: the table of schema public that the foreign keys from tenant_id point at (the
     * one most of them point at, should they disagree); empty when no tenant_id has a foreign key.
     */
    Optional<String> registry() {
        Map<String, Integer> targets = new TreeMap<>();
        for (Table t : tables.values()) {
            for (ForeignKey k : t.foreignKeys()) {
                if (k.columns().equals(List.of(TenancyRules.TENANT_COLUMN)) && "public".equals(k.parentSchema())
                        && !k.parent().equals(t.name())) {
                    targets.merge(k.parent(), 1, Integer::sum);
                }
            }
        }
        return targets.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
    }

    /** The column of the registry that tenant_id references (its primary key when no foreign key says). */
    String registryKey(String registry) {
        for (Table t : tables.values()) {
            for (ForeignKey k : t.foreignKeys()) {
                if (k.columns().equals(List.of(TenancyRules.TENANT_COLUMN)) && registry.equals(k.parent())
                        && k.parentColumns().size() == 1) {
                    return k.parentColumns().get(0);
                }
            }
        }
        List<String> pk = require(registry).primaryKey();
        if (pk.size() != 1) {
            throw new VerificationException(Code.PRECONDITION_FAILED, "the tenant registry " + registry
                    + " has no single-column key for tenant_id to reference");
        }
        return pk.get(0);
    }

    /**
     * The tables with a tenant_id column (the registry aside), parents before children: a topological order
     * of the foreign keys between them, alphabetical among equals. A cycle is broken at a nullable foreign
     * key, whose column the generator can leave empty; the rest of a cycle follows alphabetically.
     */
    List<String> tenantTablesInOrder(String registry) {
        Set<String> tenant = new TreeSet<>();
        tables.values().stream().filter(t -> t.hasColumn(TenancyRules.TENANT_COLUMN) && !t.name().equals(registry))
                .forEach(t -> tenant.add(t.name()));
        Map<String, Set<String>> parents = new TreeMap<>();
        for (String name : tenant) {
            Table t = tables.get(name);
            Set<String> p = new TreeSet<>();
            for (ForeignKey k : t.foreignKeys()) {
                boolean required = k.columns().stream().anyMatch(col -> t.columns().get(col).notNull());
                if (tenant.contains(k.parent()) && "public".equals(k.parentSchema()) && !k.parent().equals(name)) {
                    p.add(k.parent() + (required ? "" : "?"));
                }
            }
            parents.put(name, p);
        }
        List<String> order = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        boolean relaxed = false;
        while (done.size() < tenant.size()) {
            boolean progress = false;
            for (String name : tenant) {
                if (done.contains(name)) {
                    continue;
                }
                final boolean lax = relaxed;
                boolean ready = parents.get(name).stream().allMatch(p -> p.endsWith("?")
                        ? lax || done.contains(p.substring(0, p.length() - 1)) : done.contains(p));
                if (ready) {
                    done.add(name);
                    order.add(name);
                    progress = true;
                    relaxed = false;
                    break;
                }
            }
            if (!progress) {
                if (relaxed) {
                    tenant.stream().filter(n -> !done.contains(n)).forEach(n -> {
                        done.add(n);
                        order.add(n);
                    });
                }
                relaxed = true;
            }
        }
        return List.copyOf(order);
    }
}
