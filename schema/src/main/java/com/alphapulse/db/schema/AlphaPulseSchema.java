package com.alphapulse.db.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The versions of the AlphaPulse schema, in order, as the build generated them from the migration
 * scripts; and the catalog queries whose results describe a version.
 */
public final class AlphaPulseSchema {

    /** Where Flyway finds the forward migrations. */
    public static final String MIGRATION_LOCATION = "classpath:db/migration";
    /** The tenant that owns every row that existed before multi-tenancy. */
    public static final String DEFAULT_TENANT_ID = "00000000-0000-0000-0000-000000000001";
    /** The session setting row-level security keys on. */
    public static final String TENANT_SETTING = "app.current_tenant_id";
    /** The eight tables that carry tenant_id from version 007 on. */
    public static final List<String> TENANT_TABLES = List.of("users", "trading_accounts", "trades", "positions",
            "portfolio_snapshots", "risk_metrics", "agent_signals", "audit_logs");
    /** The catalog queries, by name, in the order they are run. */
    public static final List<String> CATALOG_QUERIES =
            List.of("tables", "columns", "indexes", "constraints", "policies", "roles");

    private static final List<SchemaVersion> VERSIONS = load();

    private AlphaPulseSchema() {}

    private static List<SchemaVersion> load() {
        Properties p = new Properties();
        try {
            p.load(new StringReader(resource("db/versions.properties")));
        } catch (IOException e) {
            throw new SchemaException(SchemaException.Code.MISSING_RESOURCE, "cannot read db/versions.properties");
        }
        List<SchemaVersion> list = new ArrayList<>();
        for (String label : p.getProperty("versions", "").split(",")) {
            String key = "version." + label;
            list.add(new SchemaVersion(Integer.parseInt(label), p.getProperty(key + ".description"),
                    p.getProperty(key + ".migration"), p.getProperty(key + ".undo")));
        }
        Collections.sort(list);
        return List.copyOf(list);
    }

    /** All versions, oldest first. */
    public static List<SchemaVersion> versions() {
        return VERSIONS;
    }

    /** The newest version. */
    public static SchemaVersion head() {
        return VERSIONS.get(VERSIONS.size() - 1);
    }

    /** The version that {@code text} names ("7", "007", "V007"), if any. */
    public static Optional<SchemaVersion> find(String text) {
        String t = text == null ? "" : text.trim();
        if (t.startsWith("V") || t.startsWith("v")) {
            t = t.substring(1);
        }
        if (!t.matches("\\d{1,9}")) {
            return Optional.empty();
        }
        int n = Integer.parseInt(t);
        return VERSIONS.stream().filter(v -> v.number() == n).findFirst();
    }

    /** The version that {@code text} names; a {@link SchemaException} with the known versions otherwise. */
    public static SchemaVersion version(String text) {
        return find(text).orElseThrow(() -> new SchemaException(SchemaException.Code.UNKNOWN_VERSION,
                "unknown schema version '" + text + "'; known versions: " + labels()));
    }

    /** The version just below {@code v}, or empty for the first. */
    public static Optional<SchemaVersion> previous(SchemaVersion v) {
        int i = VERSIONS.indexOf(v);
        return i <= 0 ? Optional.empty() : Optional.of(VERSIONS.get(i - 1));
    }

    /** The version just above {@code v}, or empty for the head. */
    public static Optional<SchemaVersion> next(SchemaVersion v) {
        int i = VERSIONS.indexOf(v);
        return i < 0 || i == VERSIONS.size() - 1 ? Optional.empty() : Optional.of(VERSIONS.get(i + 1));
    }

    /** The SQL of each catalog query, by name; each returns {@code table_name}, {@code name} and attributes. */
    public static Map<String, String> catalogQueries() {
        Map<String, String> queries = new LinkedHashMap<>();
        for (String q : CATALOG_QUERIES) {
            queries.put(q, resource("catalog/" + q + ".sql"));
        }
        return queries;
    }

    private static String labels() {
        return String.join(", ", VERSIONS.stream().map(SchemaVersion::label).toList());
    }

    static String resource(String name) {
        InputStream in = AlphaPulseSchema.class.getClassLoader().getResourceAsStream(name);
        return SchemaVersion.read(in, name);
    }
}
