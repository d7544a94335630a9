package com.alphapulse.db.verification.internal;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The result of the catalog queries ({@code catalog/*.sql} of the schema module), live or expected, by query
 * and by (table, name). Every attribute is kept as text so that a value parsed from the expected JSON and the
 * same value read live compare equal.
 */
final class Catalog {

    static final String TABLES = "tables";
    static final String COLUMNS = "columns";
    static final String INDEXES = "indexes";
    static final String CONSTRAINTS = "constraints";
    static final String POLICIES = "policies";
    static final String ROLES = "roles";

    /** One row of a catalog query. */
    record Row(String table, String name, Map<String, String> attributes) {
        String attr(String key) {
            return attributes.get(key);
        }

        boolean flag(String key) {
            return "true".equals(attributes.get(key));
        }

        String key() {
            return key(table, name);
        }

        static String key(String table, String name) {
            return table + "\u0000" + name;
        }
    }

    private final Map<String, Map<String, Row>> rows;

    private Catalog(Map<String, Map<String, Row>> rows) {
        this.rows = rows;
    }

    /**
     * A catalog from one result per query name, each row as text by column ({@code CatalogQueries.rows},
     * {@code SchemaVersion.expectedCatalog}).
     */
    static Catalog of(Map<String, List<Map<String, String>>> results) {
        Map<String, Map<String, Row>> rows = new LinkedHashMap<>();
        results.forEach((query, result) -> {
            Map<String, Row> byKey = new LinkedHashMap<>();
            for (Map<String, String> r : result) {
                Map<String, String> attrs = new LinkedHashMap<>(r);
                attrs.remove("table_name");
                attrs.remove("name");
                Row row = new Row(r.get("table_name"), r.get("name"), Collections.unmodifiableMap(attrs));
                byKey.put(row.key(), row);
            }
            rows.put(query, Collections.unmodifiableMap(byKey));
        });
        return new Catalog(Collections.unmodifiableMap(rows));
    }

    Map<String, Row> rows(String query) {
        return rows.getOrDefault(query, Map.of());
    }

    Collection<Row> all(String query) {
        return rows(query).values();
    }

    Row row(String query, String table, String name) {
        return rows(query).get(Row.key(table, name));
    }

    List<Row> ofTable(String query, String table) {
        return rows(query).values().stream().filter(r -> r.table().equals(table)).toList();
    }

    /** The table names, alphabetically. */
    Set<String> tables() {
        Set<String> names = new TreeSet<>();
        all(TABLES).forEach(r -> names.add(r.table()));
        return names;
    }

    /** A copy of this catalog whose rows of {@code query} are {@code replacement}, the others kept. */
    Catalog withRows(String query, Collection<Row> replacement) {
        Map<String, Map<String, Row>> copy = new LinkedHashMap<>(rows);
        Map<String, Row> byKey = new LinkedHashMap<>();
        replacement.forEach(r -> byKey.put(r.key(), r));
        copy.put(query, Collections.unmodifiableMap(byKey));
        return new Catalog(Collections.unmodifiableMap(copy));
    }

    boolean hasColumn(String table, String column) {
        return row(COLUMNS, table, column) != null;
    }
}
