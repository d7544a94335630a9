package com.alphapulse.db.verification.internal;

import com.alphapulse.db.schema.AlphaPulseSchema;
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
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jooq.exception.DataAccessException;

/**
 * Times representative tenant-scoped queries as the application runs them (a plain role under row-level
 * security, tenant set in {@code app.current_tenant_id}, no tenant filter in the SQL) against the same queries
 * with an explicit {@code WHERE tenant_id = ?} run by the data source's own role with row security off. The
 * data must be loaded by the caller; the tenant with the most trades is measured.
 */
public final class RlsOverhead {

    private static final Pattern INDEX_USED =
            Pattern.compile("(?:Index (?:Only )?Scan(?: Backward)? using|Bitmap Index Scan on) (\\S+)");

    /** One query in its two forms. */
    private record Probe(String name, String rlsSql, String ownerSql) {}

    private static final List<Probe> QUERIES = List.of(
            new Probe("latest trades",
                    "SELECT * FROM public.trades ORDER BY created_at DESC LIMIT 50",
                    "SELECT * FROM public.trades WHERE tenant_id = ? ORDER BY created_at DESC LIMIT 50"),
            new Probe("count trades",
                    "SELECT count(*) FROM public.trades",
                    "SELECT count(*) FROM public.trades WHERE tenant_id = ?"),
            new Probe("trade by id",
                    "SELECT * FROM public.trades WHERE id = ?",
                    "SELECT * FROM public.trades WHERE tenant_id = ? AND id = ?"),
            new Probe("open positions by opened_at",
                    "SELECT * FROM public.positions WHERE status = 'open' ORDER BY opened_at DESC LIMIT 50",
                    "SELECT * FROM public.positions WHERE tenant_id = ? AND status = 'open' "
                            + "ORDER BY opened_at DESC LIMIT 50"));

    private RlsOverhead() {}

    public static RlsOverheadResult measure(DataSource ds, int iterations) {
        if (iterations < 1) {
            throw new VerificationException(Code.PRECONDITION_FAILED,
                    "iterations must be at least 1 to measure the RLS overhead, was " + iterations);
        }
        long start = System.nanoTime();
        try (Connection owner = Jdbc.open(ds)) {
            Catalog live = CatalogReader.read(owner);
            for (String t : List.of("trades", "positions")) {
                if (!live.hasColumn(t, TenancyRules.TENANT_COLUMN)) {
                    throw new VerificationException(Code.PRECONDITION_FAILED,
                            "measuring RLS overhead needs " + t + ".tenant_id (version 007 or later)");
                }
            }
            Set<String> composite = compositeIndexes(owner);
            owner.setAutoCommit(true);
            try (Statement s = owner.createStatement()) {
                // Fails the queries loudly if this role is itself subject to row-level security. Session-level
                // (the owner's queries run in autocommit), hence reset in every case below.
                s.execute("SET row_security = off");
            }
            Throwable failure = null;
            try {
                return measure(ds, owner, iterations, composite, start);
            } catch (SQLException | RuntimeException | Error e) {
                failure = e;
                throw e;
            } finally {
                restoreRowSecurity(owner, failure);
            }
        } catch (SQLException | DataAccessException e) {
            throw Jdbc.queryFailed("cannot measure the RLS overhead", e);
        }
    }

    private static RlsOverheadResult measure(DataSource ds, Connection owner, int iterations, Set<String> composite,
            long start) throws SQLException {
        long[] counts = new long[2];
        UUID tenant = busiestTenant(owner, counts);
        long tradeId = firstTrade(owner, tenant);
        TempRole role = TempRole.create(ds, owner, "alphapulse_rls_", AlphaPulseSchema.TENANT_TABLES, "SELECT");
        Throwable failure = null;
        try {
            // A session switched with SET ROLE gets this setting reset by role.close().
            Connection app = role.connect();
            app.setAutoCommit(true);
            try (PreparedStatement s = app.prepareStatement("SELECT set_config(?, ?, false)")) {
                s.setString(1, AlphaPulseSchema.TENANT_SETTING);
                s.setString(2, tenant.toString());
                s.execute();
            }
            List<QueryOverhead> results = new ArrayList<>();
            for (Probe q : QUERIES) {
                results.add(measure(q, app, owner, tenant, tradeId, iterations, composite));
            }
            return new RlsOverheadResult(tenant.toString(), counts[0], counts[1], iterations, results,
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (SQLException | RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            try {
                role.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            }
        }
    }

    /** RESET row_security on the owner's session; a failure is added to {@code failure}, or thrown without one. */
    private static void restoreRowSecurity(Connection owner, Throwable failure) {
        try (Statement s = owner.createStatement()) {
            s.execute("RESET row_security");
        } catch (SQLException | RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
                return;
            }
            throw new VerificationException(Code.CLEANUP_FAILED, "row_security could not be reset on the data "
                    + "source's session: " + e.getMessage(), e);
        }
    }

    private static Set<String> compositeIndexes(Connection owner) {
        Set<String> names = new LinkedHashSet<>();
        TenantIndexes.read(owner).values().forEach(list -> list.stream().filter(TenantIndexes.Index::composite)
                .forEach(i -> names.add(i.name())));
        return names;
    }

    private static UUID busiestTenant(Connection owner, long[] counts) throws SQLException {
        try (Statement s = owner.createStatement();
                ResultSet rs = s.executeQuery("SELECT tenant_id, count(*), sum(count(*)) OVER () "
                        + "FROM public.trades GROUP BY tenant_id ORDER BY 2 DESC, 1 LIMIT 1")) {
            if (!rs.next()) {
                throw new VerificationException(Code.PRECONDITION_FAILED,
                        "there are no trades to measure with: load data first");
            }
            counts[0] = rs.getLong(2);
            counts[1] = rs.getLong(3);
            return rs.getObject(1, UUID.class);
        }
    }

    private static long firstTrade(Connection owner, UUID tenant) throws SQLException {
        try (PreparedStatement s = owner.prepareStatement(
                "SELECT id FROM public.trades WHERE tenant_id = ? ORDER BY id LIMIT 1")) {
            s.setObject(1, tenant);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static QueryOverhead measure(Probe q, Connection app, Connection owner, UUID tenant, long tradeId,
            int iterations, Set<String> composite) throws SQLException {
        boolean byId = q.rlsSql().contains("id = ?");
        Object[] rlsBinds = byId ? new Object[] {tradeId} : new Object[0];
        Object[] ownerBinds = byId ? new Object[] {tenant, tradeId} : new Object[] {tenant};
        String rlsPlan = explain(app, q.rlsSql(), rlsBinds);
        String ownerPlan = explain(owner, q.ownerSql(), ownerBinds);
        long[] rls = new long[iterations];
        long[] own = new long[iterations];
        try (PreparedStatement a = app.prepareStatement(q.rlsSql()); PreparedStatement o = owner.prepareStatement(q.ownerSql())) {
            bind(a, rlsBinds);
            bind(o, ownerBinds);
            int warmup = Math.min(iterations, 10);
            for (int i = 0; i < warmup; i++) {
                run(a);
                run(o);
            }
            // Interleaved, so that drift of the machine's load hits both sides alike.
            for (int i = 0; i < iterations; i++) {
                rls[i] = run(a);
                own[i] = run(o);
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
