package com.alphapulse.db.verification.internal;

import com.alphapulse.db.migrations.RowSecurity;
import com.alphapulse.db.verification.QueryOverhead;
import com.alphapulse.db.verification.RlsOverheadResult;
import com.alphapulse.db.verification.VerificationException;
import com.alphapulse.db.verification.VerificationException.Code;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jooq.exception.DataAccessException;

/**
 * Times representative tenant-scoped queries as the application runs them (a plain role under row-level
 * security, tenant set in {@code app.current_tenant_id}, no tenant filter in the SQL) against the same queries
 * with an explicit {@code WHERE tenant_id = ?} and row security off, run as a role that sees every tenant
 * (the data source's user when it bypasses row-level security, else {@link RowSecurity#BYPASS_ROLE}). The
 * data must be loaded by the caller. The queries are derived from the live catalog, whatever the schema: on
 * the largest tenant table (by rows) the latest rows by its indexed timestamp, a count and a lookup by primary
 * key, and the latest rows of the second largest table; the tenant with the most rows in the largest table
 * is measured.
 *
 * <p>Both sides run on one connection in one transaction that is always rolled back: the application side as
 * {@link ProbeRole} (a NOLOGIN role, created in that transaction or provisioned), entered with {@code SET LOCAL
 * ROLE}, so no login role or password exists and nothing is left behind. The sides alternate in blocks, so that
 * drift of the machine's load hits both alike; PostgreSQL re-plans a statement whose plan depends on row-level
 * security when the role changes, so the first run after each switch is not timed.
 */
public final class RlsOverhead {

    private static final Pattern INDEX_USED =
            Pattern.compile("(?:Index (?:Only )?Scan(?: Backward)? using|Bitmap Index Scan on) (\\S+)");
    private static final int LATEST = 50;
    /** Runs per side before switching to the other. */
    private static final int BLOCK = 10;

    /** One query in its two forms; {@code byKey} binds the primary key of one row after the tenant. */
    private record Probe(String name, String rlsSql, String ownerSql, boolean byKey) {}

    /** The two sides on the one connection: the application's role under RLS, and the baseline that sees all. */
    private record Sides(Connection c, String appRole, String baselineRole) {
        void app() throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL ROLE " + appRole + "; SET LOCAL row_security = on");
            }
        }

        void baseline() throws SQLException {
            try (Statement s = c.createStatement()) {
                // row_security off makes the baseline fail loudly, rather than undercount, were it filtered.
                s.execute("SET LOCAL ROLE " + baselineRole + "; SET LOCAL row_security = off");
            }
        }
    }

    private RlsOverhead() {}

    public static RlsOverheadResult measure(DataSource ds, int iterations) {
        if (iterations < 1) {
            throw new VerificationException(Code.PRECONDITION_FAILED,
                    "iterations must be at least 1 to measure the RLS overhead, was " + iterations);
        }
        long start = System.nanoTime();
        try (Connection c = Jdbc.open(ds)) {
            boolean autoCommit = c.getAutoCommit();
            try {
                c.setAutoCommit(false);
                return measure(c, iterations, start);
            } finally {
                // Nothing of the measurement is committed: the role, its grants, every SET LOCAL go with it.
                Jdbc.rollbackQuietly(c);
                try {
                    c.setAutoCommit(autoCommit);
                } catch (SQLException ignored) {
                    // A broken session: the pool discards it; the error that broke it is the one reported.
                }
            }
        } catch (SQLException | DataAccessException e) {
            throw Jdbc.privilegeOrQueryFailed("cannot measure the RLS overhead", e);
        }
    }

    private static RlsOverheadResult measure(Connection c, int iterations, long start) throws SQLException {
        Tables model = Tables.read(c);
        Set<String> composite = compositeIndexes(c);
        List<String> tenantTables = model.tenantTablesInOrder(model.registry().orElse(TenancyRules.TENANTS_TABLE));
        if (tenantTables.isEmpty()) {
            throw new VerificationException(Code.PRECONDITION_FAILED,
                    "measuring RLS overhead needs tables with a tenant_id column; there are none");
        }
        String own = currentRole(c);
        String baselineRole;
        try (RowSecurity.Switch sw = RowSecurity.seeEveryTenant(c, tenantTables)) {
            baselineRole = sw.switched() ? Jdbc.ident(RowSecurity.BYPASS_ROLE) : own;
        }
        ProbeRole role = ProbeRole.prepare(c, "alphapulse_rls_", tenantTables, "SELECT");
        Sides sides = new Sides(c, Jdbc.ident(role.name()), baselineRole);
        sides.baseline();
        List<String> bySize = bySize(c, tenantTables);
        Tables.Table largest = model.require(bySize.get(0));
        long[] counts = new long[2];
        UUID tenant = busiestTenant(c, largest.name(), counts);
        List<Probe> queries = queries(model, bySize, indexKeys(c));
        Object[] key = firstKey(c, largest, tenant);
        // For the whole transaction: the baseline names its tenant in the SQL, and bypasses the policies anyway.
        try (PreparedStatement s = c.prepareStatement("SELECT set_config(?, ?, true)")) {
            s.setString(1, TenancyRules.TENANT_SETTING);
            s.setString(2, tenant.toString());
            s.execute();
        }
        List<QueryOverhead> results = new ArrayList<>();
        for (Probe q : queries) {
            results.add(measure(q, sides, tenant, key, iterations, composite));
        }
        return new RlsOverheadResult(tenant.toString(), largest.name(), counts[0], counts[1], iterations, results,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** The role to come back to: the session's own ({@code NONE}), or the one the data source's session had set. */
    private static String currentRole(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_setting('role')")) {
            rs.next();
            String role = rs.getString(1);
            return role == null || "none".equals(role) ? "NONE" : Jdbc.ident(role);
        }
    }

    /** The tenant tables that have rows, most rows first (ties alphabetically). */
    private static List<String> bySize(Connection owner, List<String> tables) throws SQLException {
        StringBuilder sql = new StringBuilder();
        for (String t : tables) {
            sql.append(sql.length() == 0 ? "" : " UNION ALL ").append("SELECT '").append(t.replace("'", "''"))
                    .append("'::text, count(*) FROM ").append(Jdbc.table(t));
        }
        sql.append(" ORDER BY 2 DESC, 1");
        List<String> out = new ArrayList<>();
        try (Statement s = owner.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
            while (rs.next()) {
                if (rs.getLong(2) > 0) {
                    out.add(rs.getString(1));
                }
            }
        }
        if (out.isEmpty()) {
            throw new VerificationException(Code.PRECONDITION_FAILED,
                    "there are no rows in the tenant tables to measure with: load data first");
        }
        return out;
    }

    /**
     * The queries: latest rows, count and lookup by primary key on the largest table, latest rows on the
     * second largest. A query the table cannot support (no timestamp column, no single primary key) is left out.
     */
    private static List<Probe> queries(Tables model, List<String> bySize, Map<String, List<List<String>>> indexes) {
        List<Probe> out = new ArrayList<>();
        Tables.Table largest = model.require(bySize.get(0));
        String t = Jdbc.table(largest.name());
        latest(largest, indexes).ifPresent(col -> out.add(latestProbe(largest, col)));
        out.add(new Probe("count " + largest.name(), "SELECT count(*) FROM " + t,
                "SELECT count(*) FROM " + t + " WHERE tenant_id = ?", false));
        if (!largest.primaryKey().isEmpty()) {
            String where = largest.primaryKey().stream().map(c -> Jdbc.ident(c) + " = ?")
                    .collect(java.util.stream.Collectors.joining(" AND "));
            out.add(new Probe(largest.name() + " by primary key", "SELECT * FROM " + t + " WHERE " + where,
                    "SELECT * FROM " + t + " WHERE tenant_id = ? AND " + where, true));
        }
        if (bySize.size() > 1) {
            Tables.Table second = model.require(bySize.get(1));
            latest(second, indexes).ifPresent(col -> out.add(latestProbe(second, col)));
        }
        return out;
    }

    private static Probe latestProbe(Tables.Table table, String column) {
        String t = Jdbc.table(table.name());
        String order = " ORDER BY " + Jdbc.ident(column) + " DESC LIMIT " + LATEST;
        return new Probe("latest " + table.name() + " by " + column, "SELECT * FROM " + t + order,
                "SELECT * FROM " + t + " WHERE tenant_id = ?" + order, false);
    }

    /**
     * The timestamp column the "latest rows" query orders by: the second key of a composite index leading
     * with tenant_id (what such an index is for), else the first key of another index, else none.
     */
    private static java.util.Optional<String> latest(Tables.Table table, Map<String, List<List<String>>> indexes) {
        List<String> dated = table.columns().values().stream().filter(c -> c.category() == 'D'
                && (c.baseType().equals("date") || c.baseType().startsWith("timestamp")))
                .map(Tables.Column::name).toList();
        List<List<String>> keys = indexes.getOrDefault(table.name(), List.of());
        java.util.Optional<String> composite = keys.stream().filter(k -> k.size() > 1
                && k.get(0).equals(TenancyRules.TENANT_COLUMN) && dated.contains(k.get(1))).map(k -> k.get(1)).findFirst();
        return composite.or(() -> keys.stream().filter(k -> dated.contains(k.get(0))).map(k -> k.get(0)).findFirst());
    }

    /** The key columns of every valid, non-partial index of schema public, by table ('' for an expression). */
    private static Map<String, List<List<String>>> indexKeys(Connection owner) throws SQLException {
        Map<String, List<List<String>>> out = new java.util.TreeMap<>();
        try (Statement s = owner.createStatement(); ResultSet rs = s.executeQuery("SELECT t.relname, "
                + "ARRAY(SELECT COALESCE(a.attname::text, '') FROM unnest(x.indkey::int2[]) WITH ORDINALITY u(n, o) "
                + "LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.n ORDER BY u.o) "
                + "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                + "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'public' AND x.indisvalid "
                + "AND x.indpred IS NULL ORDER BY t.relname, i.relname")) {
            while (rs.next()) {
                List<String> keys = Arrays.stream((Object[]) rs.getArray(2).getArray()).map(String::valueOf).toList();
                out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(keys);
            }
        }
        return out;
    }

    private static Set<String> compositeIndexes(Connection owner) {
        Set<String> names = new LinkedHashSet<>();
        TenantIndexes.read(owner).values().forEach(list -> list.stream().filter(TenantIndexes.Index::composite)
                .forEach(i -> names.add(i.name())));
        return names;
    }

    private static UUID busiestTenant(Connection owner, String table, long[] counts) throws SQLException {
        try (Statement s = owner.createStatement();
                ResultSet rs = s.executeQuery("SELECT tenant_id, count(*), sum(count(*)) OVER () FROM "
                        + Jdbc.table(table) + " GROUP BY tenant_id ORDER BY 2 DESC, 1 LIMIT 1")) {
            rs.next();
            counts[0] = rs.getLong(2);
            counts[1] = rs.getLong(3);
            return rs.getObject(1, UUID.class);
        }
    }

    /** The primary key of the busiest tenant's first row of {@code table}, or null when it has none. */
    private static Object[] firstKey(Connection owner, Tables.Table table, UUID tenant) throws SQLException {
        if (table.primaryKey().isEmpty()) {
            return null;
        }
        String cols = table.primaryKey().stream().map(Jdbc::ident).collect(java.util.stream.Collectors.joining(", "));
        try (PreparedStatement s = owner.prepareStatement("SELECT " + cols + " FROM " + Jdbc.table(table.name())
                + " WHERE tenant_id = ? ORDER BY " + cols + " LIMIT 1")) {
            s.setObject(1, tenant);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                Object[] key = new Object[table.primaryKey().size()];
                for (int i = 0; i < key.length; i++) {
                    key[i] = rs.getObject(i + 1);
                }
                return key;
            }
        }
    }

    private static QueryOverhead measure(Probe q, Sides sides, UUID tenant, Object[] key, int iterations,
            Set<String> composite) throws SQLException {
        Connection c = sides.c();
        Object[] rlsBinds = q.byKey() ? key : new Object[0];
        Object[] ownerBinds = new Object[1 + rlsBinds.length];
        ownerBinds[0] = tenant;
        System.arraycopy(rlsBinds, 0, ownerBinds, 1, rlsBinds.length);
        sides.app();
        String rlsPlan = explain(c, q.rlsSql(), rlsBinds);
        sides.baseline();
        String ownerPlan = explain(c, q.ownerSql(), ownerBinds);
        long[] rls = new long[iterations];
        long[] own = new long[iterations];
        try (PreparedStatement a = c.prepareStatement(q.rlsSql()); PreparedStatement o = c.prepareStatement(q.ownerSql())) {
            bind(a, rlsBinds);
            bind(o, ownerBinds);
            int warmup = Math.min(iterations, BLOCK);
            sides.app();
            for (int i = 0; i < warmup; i++) {
                run(a);
            }
            sides.baseline();
            for (int i = 0; i < warmup; i++) {
                run(o);
            }
            for (int done = 0; done < iterations; done += BLOCK) {
                int n = Math.min(BLOCK, iterations - done);
                sides.app();
                run(a);
                for (int i = 0; i < n; i++) {
                    rls[done + i] = run(a);
                }
                sides.baseline();
                run(o);
                for (int i = 0; i < n; i++) {
                    own[done + i] = run(o);
                }
            }
        }
        List<String> rlsIndexes = indexes(rlsPlan);
        List<String> ownerIndexes = indexes(ownerPlan);
        return new QueryOverhead(q.name(), q.rlsSql(), q.ownerSql(), percentile(rls, 50), percentile(rls, 95),
                percentile(own, 50), percentile(own, 95), rlsIndexes, ownerIndexes,
                rlsIndexes.stream().anyMatch(composite::contains), ownerIndexes.stream().anyMatch(composite::contains),
                rlsPlan, ownerPlan);
    }

    private static long run(PreparedStatement s) throws SQLException {
        long t0 = System.nanoTime();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                rs.getObject(1);
            }
        }
        return System.nanoTime() - t0;
    }

    private static String explain(Connection c, String sql, Object[] binds) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (PreparedStatement s = c.prepareStatement("EXPLAIN " + sql)) {
            bind(s, binds);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
        }
        return plan.toString();
    }

    private static List<String> indexes(String plan) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = INDEX_USED.matcher(plan);
        while (m.find()) {
            names.add(m.group(1));
        }
        return List.copyOf(names);
    }

    private static void bind(PreparedStatement s, Object[] binds) throws SQLException {
        for (int i = 0; i < binds.length; i++) {
            s.setObject(i + 1, binds[i]);
        }
    }

    private static Duration percentile(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return Duration.ofNanos(sorted[Math.max(0, Math.min(index, sorted.length - 1))]);
    }
}
