package com.alphapulse.db.migrations;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalog queries whose results describe a version: the expected catalogs are their results on a
 * freshly migrated database, and verification runs the same queries on the live one. Each returns
 * {@code table_name}, {@code name} and attributes, for schema {@code public} only, and prints names and
 * expressions as they read with {@code search_path} set to {@link #SEARCH_PATH}: run them in a
 * transaction that sets it, so the caller's {@code search_path} or {@code currentSchema} changes nothing.
 */
public final class CatalogQueries {

    /** The query names, in the order they are run. */
    public static final List<String> NAMES = List.of("tables", "columns", "indexes", "constraints", "policies", "roles");
    /** The search_path every catalog read runs with (pg_get_*def qualifies names that are not on it). */
    public static final String SEARCH_PATH = "public, pg_catalog";

    private static final Map<String, String> SQL = load();

    private CatalogQueries() {}

    /**
     * The SQL of each query for {@code set}, by name, in {@link #NAMES} order: the roles query looks at the roles
     * the set's scripts create, so another set's roles on the same cluster never enter its catalog.
     */
    public static Map<String, String> sql(MigrationSet set) {
        return set.derived(CatalogQueries.class, () -> {
            // An array literal inside a string literal: backslash and double quote escaped for the array, the
            // single quote doubled for the string; role names come from script text.
            StringBuilder roles = new StringBuilder("'{");
            for (String r : set.roles()) {
                String element = r.replace("\\", "\\\\").replace("\"", "\\\"").replace("'", "''");
                roles.append(roles.length() > 2 ? "," : "").append('"').append(element).append('"');
            }
            String array = roles.append("}'").toString();
            Map<String, String> out = new LinkedHashMap<>();
            SQL.forEach((name, text) -> out.put(name, text.replace("{{roles}}", array)));
            return java.util.Collections.unmodifiableMap(out);
        });
    }

    /**
     * The rows of one catalog query's live result as text, column name to value ({@code null} for SQL NULL), in
     * the query's column order: comparable with {@link SchemaVersion#expectedCatalog} row for row.
     */
    public static List<Map<String, String>> rows(java.sql.ResultSet rs) throws java.sql.SQLException {
        return com.alphapulse.db.migrations.internal.CatalogRows.read(rs);
    }

    /** The query templates as shipped ({@code {{roles}}} not yet replaced), e.g. for an input hash. */
    public static Map<String, String> templates() {
        return SQL;
    }

    private static Map<String, String> load() {
        Map<String, String> queries = new LinkedHashMap<>();
        for (String q : NAMES) {
            try (InputStream in = CatalogQueries.class.getResourceAsStream("catalog/" + q + ".sql")) {
                if (in == null) {
                    throw new SchemaException(SchemaException.Code.MISSING_RESOURCE, "missing catalog query " + q);
                }
                queries.put(q, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new SchemaException(SchemaException.Code.MISSING_RESOURCE, "cannot read catalog query " + q);
            }
        }
        return java.util.Collections.unmodifiableMap(queries);
    }
}
