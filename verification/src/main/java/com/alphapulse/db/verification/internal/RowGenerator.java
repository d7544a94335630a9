package com.alphapulse.db.verification.internal;

import com.alphapulse.db.verification.VerificationException;
import com.alphapulse.db.verification.VerificationException.Code;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Typed rows for every tenant table of whatever schema the catalog shows, generated in the database with
 * {@code INSERT ... SELECT ... FROM generate_series}: one statement per table and tenant, so a hundred
 * thousand rows cost one statement, not a hundred thousand.
 *
 * <p>A column gets a value when the row could not be inserted without one (NOT NULL, no default), when it is
 * part of a key or unique constraint (a default such as {@code now()} would repeat), when it is a date or
 * time with a default (so that "latest rows" means something), and when it is a foreign key: then it takes
 * one of the existing parent rows, of the same tenant when the parent is a tenant table. Values respect the
 * type (length of varchar, precision of numeric, enum labels) and the simple CHECK constraints PostgreSQL
 * prints as {@code col = ANY (ARRAY[...])}, {@code col = '...'} or comparisons with a number. Every value
 * depends on the row number {@code g}, the tenant's ordinal and a tag per run, so keys never repeat.
 */
final class RowGenerator {

    /** At most this many parent rows are offered to a child's foreign key, to keep the arrays small. */
    private static final int PARENT_SAMPLE = 10_000;
    private static final String ANCHOR = "timestamp '2024-01-01 00:00:00'";
    private static final String CAST_SUFFIX = "\"?\\)?(?:::[a-z ]+(?:\\([0-9, ]+\\))?(?:\\[\\])?)?\\s*";
    private static final Pattern LITERAL = Pattern.compile("'((?:[^']|'')*)'");

    /** One row computed by the administrative session, as text, to be inserted by another session. */
    record SampleRow(String table, List<String> columns, List<String> types, List<String> values) {
        String insertSql() {
            return "INSERT INTO " + Jdbc.table(table) + " (" + columns.stream().map(Jdbc::ident)
                    .collect(Collectors.joining(", ")) + ") VALUES (" + types.stream()
                    .map(t -> "CAST(CAST(? AS text) AS " + t + ")").collect(Collectors.joining(", ")) + ")";
        }
    }

    private final Tables model;
    private final String registry;
    private final String registryKey;
    private final List<String> tenantTables;
    private final String tag;

    private RowGenerator(Tables model, String registry, String tag) {
        this.model = model;
        this.registry = registry;
        this.registryKey = model.registryKey(registry);
        this.tenantTables = model.tenantTablesInOrder(registry);
        this.tag = tag;
        Tables.Column key = model.require(registry).columns().get(registryKey);
        if (key == null || !"uuid".equals(key.baseType())) {
            throw new VerificationException(Code.PRECONDITION_FAILED, "the tenant registry " + registry + "."
                    + registryKey + " is not a uuid column; row-level security keys on a uuid tenant id");
        }
    }

    /**
     * A generator for the tables the catalog of {@code c} shows; {@code tag} (letters and digits) makes this
     * run's text values distinct from any other run's.
     *
     * @throws VerificationException PRECONDITION_FAILED when no tenant_id has a foreign key to a registry
     */
    static RowGenerator read(Connection c, String tag) {
        if (!tag.matches("[a-z0-9]{1,12}")) {
            throw new IllegalArgumentException("tag must be 1 to 12 lower-case letters or digits: " + tag);
        }
        Tables model = Tables.read(c);
        String registry = model.registry().orElseThrow(() -> new VerificationException(Code.PRECONDITION_FAILED,
                "there is no tenant registry: no tenant_id column of schema public has a foreign key to a table"));
        return new RowGenerator(model, registry, tag);
    }

    String registry() {
        return registry;
    }

    String registryKey() {
        return registryKey;
    }

    /** The tables with a tenant_id column, parents first. */
    List<String> tenantTables() {
        return tenantTables;
    }

    /**
     * Inserts {@code tenants} into the registry (unless they are there already), then for each of them {@code rows.applyAsLong(table)} rows into
     * every tenant table, parents first, on {@code c} inside the caller's transaction. Each tenant's rows are
     * written with that tenant set for the transaction, so that an owner under FORCE ROW LEVEL SECURITY may
     * write them too. Returns the rows inserted per table, the registry first.
     */
    Map<String, Long> fill(Connection c, List<UUID> tenants, boolean createTenants, ToLongFunction<String> rows)
            throws SQLException {
        return fill(c, tenants, createTenants, rows, true);
    }

    /**
     * As {@link #fill(Connection, List, boolean, ToLongFunction)}; with {@code scoped} false no tenant is set,
     * for a session that row-level security does not filter (it then keeps the tenant setting unseen).
     */
    Map<String, Long> fill(Connection c, List<UUID> tenants, boolean createTenants, ToLongFunction<String> rows,
            boolean scoped) throws SQLException {
        Map<String, Long> inserted = new LinkedHashMap<>();
        inserted.put(registry, createTenants ? insertTenants(c, tenants) : 0L);
        tenantTables.forEach(t -> inserted.put(t, 0L));
        for (int i = 0; i < tenants.size(); i++) {
            UUID tenant = tenants.get(i);
            if (scoped) {
                setTenant(c, tenant);
            }
            for (String table : tenantTables) {
                long n = rows.applyAsLong(table);
                if (n > 0) {
                    inserted.merge(table, insert(c, table, tenant, i + 1, n), Long::sum);
                }
            }
        }
        return inserted;
    }

    /** Sets the tenant for the rest of {@code c}'s transaction. */
    static void setTenant(Connection c, UUID tenant) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT set_config(?, ?, true)")) {
            s.setString(1, TenancyRules.TENANT_SETTING);
            s.setString(2, tenant.toString());
            s.execute();
        }
    }

    private long insertTenants(Connection c, List<UUID> tenants) throws SQLException {
        Tables.Table t = model.require(registry);
        String ids = tenants.stream().map(u -> "'" + u + "'").collect(Collectors.joining(", ", "(ARRAY[", "]::uuid[])[g]"));
        Map<String, String> values = new LinkedHashMap<>();
        values.put(registryKey, ids);
        List<String> from = new ArrayList<>();
        columns(t, values, null, 0, from);
        String sql = "INSERT INTO " + Jdbc.table(registry) + " (" + String.join(", ", values.keySet().stream()
                .map(Jdbc::ident).toList()) + ") SELECT " + String.join(", ", values.values())
                + " FROM generate_series(1, " + tenants.size() + ") g" + String.join("", from);
        try (Statement s = c.createStatement()) {
            return s.executeLargeUpdate(sql);
        }
    }

    private long insert(Connection c, String table, UUID tenant, int ordinal, long rows) throws SQLException {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> from = new ArrayList<>();
        columns(model.require(table), values, tenant, ordinal, from);
        String sql = "INSERT INTO " + Jdbc.table(table) + " (" + String.join(", ", values.keySet().stream()
                .map(Jdbc::ident).toList()) + ") SELECT " + String.join(", ", values.values())
                + " FROM generate_series(1, " + rows + ") g" + String.join("", from);
        try (Statement s = c.createStatement()) {
            return s.executeLargeUpdate(sql);
        }
    }

    /**
     * Row {@code g} of {@code table} for {@code tenant}, computed on {@code c} (which must see the tenant's
     * parent rows) and returned as text, so that a session that may not read the parents can insert it.
     */
    SampleRow sample(Connection c, String table, UUID tenant, int ordinal, long g) throws SQLException {
        Tables.Table t = model.require(table);
        Map<String, String> values = new LinkedHashMap<>();
        List<String> from = new ArrayList<>();
        columns(t, values, tenant, ordinal, from);
        String sql = "SELECT " + values.values().stream().map(v -> "(" + v + ")::text")
                .collect(Collectors.joining(", ")) + " FROM generate_series(" + g + ", " + g + ") g"
                + String.join("", from);
        List<String> text = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            for (int i = 1; i <= values.size(); i++) {
                text.add(rs.getString(i));
            }
        }
        List<String> names = List.copyOf(values.keySet());
        List<String> types = names.stream().map(n -> t.columns().get(n).declaredType()).toList();
        return new SampleRow(table, names, types, text);
    }

    /**
     * The value expressions of {@code t}'s generated columns into {@code values} and the parent lookups
     * they need into {@code from}; {@code tenant} is null for the registry.
     */
    private void columns(Tables.Table t, Map<String, String> values, UUID tenant, int ordinal, List<String> from) {
        if (tenant != null && t.hasColumn(TenancyRules.TENANT_COLUMN)) {
            values.put(TenancyRules.TENANT_COLUMN, cast("'" + tenant + "'", t.columns().get(TenancyRules.TENANT_COLUMN)));
        }
        for (Tables.ForeignKey k : t.foreignKeys()) {
            if (k.parent().equals(t.name()) || k.columns().stream().allMatch(values::containsKey)
                    || k.columns().stream().anyMatch(col -> t.columns().get(col).automatic())) {
                continue;
            }
            String alias = "f" + from.size();
            String order = k.parentColumns().stream().map(Jdbc::ident).collect(Collectors.joining(", "));
            StringBuilder arrays = new StringBuilder();
            for (int i = 0; i < k.parentColumns().size(); i++) {
                arrays.append(i == 0 ? "" : ", ").append("array_agg(").append(Jdbc.ident(k.parentColumns().get(i)))
                        .append(" ORDER BY ").append(order).append(") AS a").append(i);
            }
            from.add(" CROSS JOIN (SELECT " + arrays + " FROM (SELECT " + order + " FROM " + k.qualifiedParent()
                    + parentFilter(k, tenant) + " ORDER BY " + order + " LIMIT " + PARENT_SAMPLE + ") p) " + alias);
            for (int i = 0; i < k.columns().size(); i++) {
                String col = k.columns().get(i);
                values.putIfAbsent(col, cast(alias + ".a" + i + "[1 + (g % cardinality(" + alias + ".a" + i
                        + "))::int]", t.columns().get(col)));
            }
        }
        for (Tables.Column col : t.columns().values()) {
            if (values.containsKey(col.name()) || col.automatic()) {
                continue;
            }
            boolean required = col.notNull() && !col.hasDefault();
            boolean dated = col.category() == 'D' && col.hasDefault();
            if (required || t.unique(col.name()) || dated) {
                values.put(col.name(), cast(value(t, col, ordinal), col));
            }
        }
    }

    private String parentFilter(Tables.ForeignKey k, UUID tenant) {
        if (tenant == null || !"public".equals(k.parentSchema())) {
            return "";
        }
        if (k.parent().equals(registry)) {
            return " WHERE " + Jdbc.ident(registryKey) + " = '" + tenant + "'";
        }
        return model.get(k.parent()).filter(p -> p.hasColumn(TenancyRules.TENANT_COLUMN))
                .map(p -> " WHERE tenant_id = '" + tenant + "'").orElse("");
    }

    private static String cast(String expression, Tables.Column col) {
        return "CAST(" + expression + " AS " + col.declaredType() + ")";
    }

    /** A value of {@code col}'s type for row {@code g} of tenant {@code ordinal}. */
    private String value(Tables.Table t, Tables.Column col, int ordinal) {
        List<String> allowed = allowedValues(t, col.name());
        if (allowed.isEmpty()) {
            allowed = col.labels();
        }
        if (!allowed.isEmpty()) {
            return pick(allowed);
        }
        boolean unique = t.unique(col.name());
        String uniquePart = "'" + tag + "t" + ordinal + "-' || g";
        String name = col.name().toLowerCase(java.util.Locale.ROOT);
        switch (col.category()) {
            case 'S':
                return text(col, name, unique, uniquePart);
            case 'B':
                return "g % 2 = 0";
            case 'N':
                return number(t, col, ordinal, unique);
            case 'D':
                return switch (col.baseType()) {
                    case "date" -> "date '2024-01-01' + (" + (unique ? "g" : "g % 3650") + ")::int";
                    case "time", "timetz" -> "time '00:00' + (g % 86400) * interval '1 second'";
                    default -> ANCHOR + " + g * interval '1 minute' + " + ordinal + " * interval '1 second'";
                };
            case 'T':
                return "(g % 1000) * interval '1 minute'";
            case 'I':
                return "('10.' || (g / 65536 % 256) || '.' || (g / 256 % 256) || '.' || (g % 256))";
            case 'A':
                return "'{}'";
            case 'U':
                switch (col.baseType()) {
                    case "uuid":
                        return "gen_random_uuid()";
                    case "json":
                    case "jsonb":
                        return "jsonb_build_object('seq', g, 'run', '" + tag + "')";
                    case "bytea":
                        return "decode(md5(" + uniquePart + "), 'hex')";
                    default:
                        break;
                }
                break;
            default:
                break;
        }
        throw new VerificationException(Code.PRECONDITION_FAILED, "cannot generate a value of type "
                + col.declaredType() + " for " + t.name() + "." + col.name());
    }

    private String text(Tables.Column col, String name, boolean unique, String uniquePart) {
        String value;
        if (name.contains("email")) {
            value = "'user-' || " + uniquePart + " || '@example.test'";
        } else if (!unique && name.equals("symbol")) {
            value = pick(List.of("BTC-USD", "ETH-USD", "SOL-USD", "ADA-USD", "XRP-USD"));
        } else if (!unique && name.contains("currency")) {
            value = pick(List.of("USD", "EUR", "GBP", "JPY"));
        } else if (!unique && (name.equals("name") || name.endsWith("_name"))) {
            value = "'" + prefix(col.name(), 20) + " ' || g";
        } else {
            value = "'" + prefix(col.name(), 16) + "-' || " + uniquePart;
        }
        int length = col.length();
        if (length > 0 && length < 40) {
            // Keep the end: the row number and run tag are what make the value unique.
            // The separator stays: without it tenant 1's row 11 and tenant 11's row 1 would read the same.
            return "right(" + (length < 20 ? uniquePart : value) + ", " + length + ")";
        }
        return value;
    }

    /** The start of a column name, as text inside a SQL string literal: a name read from the catalog may hold a quote. */
    private static String prefix(String name, int max) {
        return (name.length() <= max ? name : name.substring(0, max)).replace("'", "''");
    }

    private String number(Tables.Table t, Tables.Column col, int ordinal, boolean unique) {
        BigDecimal[] bounds = bounds(t, col.name());
        boolean integral = switch (col.baseType()) {
            case "int2", "int4", "int8", "oid" -> true;
            default -> false;
        };
        if (bounds[0] != null || bounds[1] != null) {
            BigDecimal lo = bounds[0] != null ? bounds[0] : bounds[1].subtract(BigDecimal.valueOf(1000));
            BigDecimal hi = bounds[1] != null ? bounds[1] : lo.add(BigDecimal.valueOf(1000));
            if (integral) {
                long low = lo.longValue() + 1;
                long span = Math.max(1, hi.longValue() - low);
                return low + " + g % " + span;
            }
            // Strictly inside the bounds, whether they are inclusive or not.
            return lo.toPlainString() + " + (" + hi.subtract(lo).toPlainString() + ") * ((g % 999 + 1) / 1000.0)";
        }
        if (integral) {
            if ("int2".equals(col.baseType())) {
                return "1 + g % 32000";
            }
            return unique ? "(" + ordinal + "::bigint * 1000000 + g) % 2147483647" : "1 + g % 1000";
        }
        if ("numeric".equals(col.baseType()) && col.precision() > 0) {
            int whole = col.precision() - col.scale();
            long mod = whole <= 0 ? 0 : (long) Math.min(Math.pow(10, Math.min(whole, 6)), 1_000_000);
            String fraction = "((g * 37) % 100) / 100.0";
            return "trunc(" + (mod == 0 ? fraction : "(g % " + mod + ") + " + fraction) + ", " + col.scale() + ")";
        }
        return "((g * 7919 + " + ordinal + " * 104729) % 100000) / 100.0";
    }

    private static String pick(List<String> options) {
        return options.stream().map(o -> "'" + o.replace("'", "''") + "'")
                .collect(Collectors.joining(", ", "(ARRAY[", "])[1 + (g % " + options.size() + ")::int]"));
    }

    /** The values the table's CHECK constraints allow for {@code column}, when one lists them; else empty. */
    static List<String> allowedValues(Tables.Table t, String column) {
        Pattern any = Pattern.compile("(?<![\\w\"])\"?" + Pattern.quote(column) + CAST_SUFFIX
                + "=\\s*ANY\\s*\\(+ARRAY\\[(.*?)\\]", Pattern.DOTALL);
        Pattern one = Pattern.compile("(?<![\\w\"])\"?" + Pattern.quote(column) + CAST_SUFFIX
                + "=\\s*'((?:[^']|'')*)'");
        for (String check : t.checks()) {
            Matcher m = any.matcher(check);
            if (m.find()) {
                List<String> values = new ArrayList<>();
                Matcher lit = LITERAL.matcher(m.group(1));
                while (lit.find()) {
                    values.add(lit.group(1).replace("''", "'"));
                }
                if (!values.isEmpty()) {
                    return values;
                }
            }
            Matcher single = one.matcher(check);
            if (single.find()) {
                return List.of(single.group(1).replace("''", "'"));
            }
        }
        return List.of();
    }

    /** Lower and upper bounds the CHECK constraints put on {@code column} ({@code col >= 0}, ...), or nulls. */
    static BigDecimal[] bounds(Tables.Table t, String column) {
        Pattern cmp = Pattern.compile("(?<![\\w\"])\"?" + Pattern.quote(column) + CAST_SUFFIX
                + "(>=|>|<=|<)\\s*\\(*'?(-?[0-9]+(?:\\.[0-9]+)?)");
        BigDecimal[] out = new BigDecimal[2];
        for (String check : t.checks()) {
            Matcher m = cmp.matcher(check);
            while (m.find()) {
                BigDecimal v = new BigDecimal(m.group(2));
                if (m.group(1).startsWith(">")) {
                    out[0] = out[0] == null ? v : out[0].max(v);
                } else {
                    out[1] = out[1] == null ? v : out[1].min(v);
                }
            }
        }
        return out;
    }
}
