package com.alphapulse.db.verification.internal;

import com.alphapulse.db.migrations.RowSecurity;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.verification.Finding;
import com.alphapulse.db.verification.Severity;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The tenancy rules about keys, which row-level security cannot enforce because referential and uniqueness
 * checks ignore it: a foreign key between two tenant tables must carry tenant_id on both sides (else a row of
 * one tenant can reference, and so probe for, another tenant's row), and a unique key of a tenant table should
 * include tenant_id (else one tenant's value blocks, and reveals, another's). Evaluated on a {@link Catalog},
 * live or expected alike, so that what a version's own expected catalog has can be told apart from damage; and
 * on the data, for rows whose tenant differs from their parent's.
 */
final class TenantKeys {

    private static final Pattern FOREIGN_KEY = Pattern.compile("^FOREIGN KEY \\(([^)]*)\\) REFERENCES ([^(]+)\\(([^)]*)\\)");
    private static final Pattern KEY_COLUMNS = Pattern.compile("^(?:UNIQUE|PRIMARY KEY) \\(([^)]*)\\)");
    private static final int SAMPLES = 5;

    private TenantKeys() {}

    /**
     * Broken key rules of {@code catalog}: an ERROR per foreign key between two of {@code tenantTables} that
     * does not pair tenant_id with tenant_id, a WARNING per unique key or unique index of a tenant table
     * without tenant_id. The registry is not a tenant table, so tenant_id's own foreign key is not looked at.
     */
    static List<Finding> check(Catalog catalog, List<String> tenantTables) {
        List<Finding> out = new ArrayList<>();
        for (Catalog.Row k : catalog.all(Catalog.CONSTRAINTS)) {
            if (!tenantTables.contains(k.table())) {
                continue;
            }
            String type = k.attr("constraint_type");
            String def = String.valueOf(k.attr("definition"));
            if ("FOREIGN KEY".equals(type) && tenantTables.contains(k.attr("referenced_table"))) {
                foreignKey(k, def).ifPresent(out::add);
            } else if ("UNIQUE".equals(type) || "PRIMARY KEY".equals(type)) {
                uniqueKey(catalog, k, type, def).ifPresent(out::add);
            }
        }
        for (Catalog.Row i : catalog.all(Catalog.INDEXES)) {
            String def = String.valueOf(i.attr("definition"));
            // An index that backs a constraint was judged as that constraint above.
            if (tenantTables.contains(i.table()) && def.startsWith("CREATE UNIQUE INDEX")
                    && catalog.row(Catalog.CONSTRAINTS, i.table(), i.name()) == null
                    && !columns(String.valueOf(i.attr("columns")).replaceAll("^\\{|\\}$", "")).contains(TenancyRules.TENANT_COLUMN)) {
                out.add(new Finding(Severity.WARNING, Finding.INDEX, i.table() + "." + i.name(),
                        "a unique index including tenant_id", def, "unique index " + i.name() + " of " + i.table()
                                + " does not include tenant_id: its values are unique across tenants, so one tenant's "
                                + "value blocks another's and a duplicate-key error tells a tenant it exists elsewhere"));
            }
        }
        return out;
    }

    private static Optional<Finding> foreignKey(Catalog.Row k, String def) {
        Matcher m = FOREIGN_KEY.matcher(def);
        if (!m.find()) {
            return Optional.empty();
        }
        List<String> cols = columns(m.group(1));
        List<String> parentCols = columns(m.group(3));
        int at = cols.indexOf(TenancyRules.TENANT_COLUMN);
        if (at >= 0 && at < parentCols.size() && TenancyRules.TENANT_COLUMN.equals(parentCols.get(at))) {
            return Optional.empty();
        }
        String parent = k.attr("referenced_table");
        return Optional.of(new Finding(Severity.ERROR, Finding.FOREIGN_KEY, k.table() + "." + k.name(),
                "FOREIGN KEY (tenant_id, ...) REFERENCES " + parent + " (tenant_id, ...)", def, "foreign key "
                        + k.name() + " of " + k.table() + " references " + parent + " without tenant_id on both "
                        + "sides: referential checks ignore row-level security, so a row of one tenant can "
                        + "reference (and probe for) a row of another tenant"));
    }

    private static Optional<Finding> uniqueKey(Catalog catalog, Catalog.Row k, String type, String def) {
        Matcher m = KEY_COLUMNS.matcher(def);
        if (!m.find()) {
            return Optional.empty();
        }
        List<String> cols = columns(m.group(1));
        if (cols.contains(TenancyRules.TENANT_COLUMN)) {
            return Optional.empty();
        }
        // A primary key on a generated identity column (or serial, its older spelling: a sequence default) is
        // exempt: its values come from one sequence, never from a tenant's data, so two tenants do not collide on
        // it and a duplicate tells no one anything about another tenant. (A composite key with tenant_id,
        // (tenant_id, id), is what foreign keys between tenant tables reference.)
        if ("PRIMARY KEY".equals(type) && cols.size() == 1) {
            Catalog.Row col = catalog.row(Catalog.COLUMNS, k.table(), cols.get(0));
            String identity = col == null ? null : col.attr("identity");
            String dflt = col == null ? null : col.attr("default_value");
            if (identity != null && !identity.isEmpty() || dflt != null && dflt.startsWith("nextval(")) {
                return Optional.empty();
            }
        }
        String kind = "PRIMARY KEY".equals(type) ? Finding.PRIMARY_KEY : Finding.UNIQUE;
        return Optional.of(new Finding(Severity.WARNING, kind, k.table() + "." + k.name(),
                "a key including tenant_id", def, kind + " " + k.name() + " of " + k.table() + " does not include "
                        + "tenant_id: its values are unique across tenants, so one tenant's value blocks another's "
                        + "and a duplicate-key error tells a tenant it exists elsewhere"));
    }

    private static List<String> columns(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).map(c -> c.replaceAll("^\"|\"$", ""))
                .filter(c -> !c.isEmpty()).toList();
    }

    /**
     * {@code live} with every finding that {@code version}'s own expected catalog also has (same object, same
     * definition) turned into a WARNING that says so, and which later version of the set no longer has it:
     * versions applied in the field are fixed by new versions, never edited, so a database correctly at such a
     * version must not fail for what the version itself ships.
     */
    static List<Finding> knownIn(List<Finding> live, SchemaVersion version, Catalog head) {
        Map<String, Finding> expected = byKey(expectedAt(version, head));
        List<Finding> out = new ArrayList<>();
        for (Finding f : live) {
            Finding same = expected.get(key(f));
            if (same == null || !java.util.Objects.equals(same.actual(), f.actual())) {
                out.add(f);
                continue;
            }
            String fixed = fixedBy(f, version, head).map(v -> "version " + v.label() + " of the set fixes it")
                    .orElse("no later version of the set fixes it yet");
            out.add(new Finding(Severity.WARNING, f.objectType(), f.object(), f.expected(), f.actual(),
                    f.message() + Finding.KNOWN_IN_VERSION + version.label() + ": its expected schema has it too; " + fixed + ")"));
        }
        return out;
    }

    /** The key findings of {@code version}'s expected catalog, its tenant tables chosen as for a live one. */
    private static List<Finding> expectedAt(SchemaVersion version, Catalog head) {
        Catalog catalog = ExpectedState.of(version).catalog();
        return check(catalog, TenancyRules.tenantTables(catalog, head));
    }

    private static Optional<SchemaVersion> fixedBy(Finding f, SchemaVersion version, Catalog head) {
        Optional<SchemaVersion> next = version.set().next(version.version());
        while (next.isPresent()) {
            SchemaVersion v = next.get();
            if (!byKey(expectedAt(v, head)).containsKey(key(f))) {
                return Optional.of(v);
            }
            next = v.set().next(v.version());
        }
        return Optional.empty();
    }

    private static Map<String, Finding> byKey(List<Finding> findings) {
        Map<String, Finding> out = new LinkedHashMap<>();
        findings.forEach(f -> out.put(key(f), f));
        return out;
    }

    private static String key(Finding f) {
        return f.objectType() + " " + f.object();
    }

    /**
     * For every foreign key from a tenant table to a tenant table, the child rows whose tenant_id differs from
     * their parent's (joined on the key's columns other than tenant_id: a key that carries the tenant rules such
     * rows out only while it is enforced and validated): an
     * ERROR naming the table, the key, the count and up to five sample keys. Read as a role that sees every
     * tenant ({@link RowSecurity}); a user that cannot is refused (SQLSTATE 42501) rather than undercounting.
     */
    static List<Finding> crossTenantRows(Connection c, Tables model, Set<String> tenantTables) throws SQLException {
        List<Finding> out = new ArrayList<>();
        for (String child : tenantTables) {
            Tables.Table t = model.get(child).orElse(null);
            if (t == null || !t.hasColumn(TenancyRules.TENANT_COLUMN)) {
                continue;
            }
            for (Tables.ForeignKey k : t.foreignKeys()) {
                boolean tenantParent = "public".equals(k.parentSchema()) && tenantTables.contains(k.parent())
                        && model.get(k.parent()).map(p -> p.hasColumn(TenancyRules.TENANT_COLUMN)).orElse(false);
                int at = k.columns().indexOf(TenancyRules.TENANT_COLUMN);
                boolean carries = at >= 0 && TenancyRules.TENANT_COLUMN.equals(k.parentColumns().get(at));
                if (!tenantParent || (carries && k.columns().size() == 1)) {
                    continue;
                }
                // A key that carries tenant_id makes such rows impossible only while it is enforced: rows written
                // with its triggers off (session_replication_role = replica), or before it was validated, are
                // found by joining on its other columns.
                crossTenant(c, t, carries ? without(k, at) : k).ifPresent(out::add);
            }
        }
        return out;
    }

    /** {@code k} without its column pair {@code at} (tenant_id = tenant_id), named like {@code k}. */
    private static Tables.ForeignKey without(Tables.ForeignKey k, int at) {
        List<String> cols = new ArrayList<>(k.columns());
        List<String> parentCols = new ArrayList<>(k.parentColumns());
        cols.remove(at);
        parentCols.remove(at);
        return new Tables.ForeignKey(k.name(), cols, k.parentSchema(), k.parent(), parentCols);
    }

    private static Optional<Finding> crossTenant(Connection c, Tables.Table t, Tables.ForeignKey k) throws SQLException {
        String join = java.util.stream.IntStream.range(0, k.columns().size())
                .mapToObj(i -> "c." + Jdbc.ident(k.columns().get(i)) + " = p." + Jdbc.ident(k.parentColumns().get(i)))
                .collect(Collectors.joining(" AND "));
        List<String> key = t.primaryKey().isEmpty() ? k.columns() : t.primaryKey();
        String sample = key.size() == 1 ? "c." + Jdbc.ident(key.get(0)) + "::text"
                : key.stream().map(col -> "c." + Jdbc.ident(col)).collect(Collectors.joining(", ", "ROW(", ")::text"));
        String order = key.stream().map(col -> "c." + Jdbc.ident(col)).collect(Collectors.joining(", "));
        // count(*) OVER () is computed before LIMIT: the full count and the first samples in one scan.
        String sql = "SELECT " + sample + ", count(*) OVER () FROM " + Jdbc.table(t.name()) + " c JOIN "
                + Jdbc.table(k.parent()) + " p ON " + join + " WHERE c.tenant_id IS DISTINCT FROM p.tenant_id ORDER BY "
                + order + " LIMIT " + SAMPLES;
        long count = 0;
        List<String> samples = new ArrayList<>();
        try (RowSecurity.Switch sw = RowSecurity.seeEveryTenant(c, List.of(t.name(), k.parent()));
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                samples.add(rs.getString(1));
                count = rs.getLong(2);
            }
        }
        if (count == 0) {
            return Optional.empty();
        }
        return Optional.of(new Finding(Severity.ERROR, Finding.ROWS, t.name() + "." + k.name(),
                "every row in its parent's tenant", count + " cross-tenant rows", count + " rows of " + t.name()
                        + " reference, through " + k.name() + ", a row of " + k.parent() + " of another tenant "
                        + "(tenant_id differs from the parent's): cross-tenant data visible; " + String.join(", ", key)
                        + " of the first: " + String.join(", ", samples)));
    }
}
