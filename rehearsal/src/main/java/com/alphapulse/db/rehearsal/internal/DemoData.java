package com.alphapulse.db.rehearsal.internal;

import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.MigrationException.Code;
import com.alphapulse.db.engine.StatusResult;
import com.alphapulse.db.migrations.RowSecurity;
import com.alphapulse.db.rehearsal.CountTenantsResult;
import com.alphapulse.db.rehearsal.DemoDataOptions;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.rehearsal.LoadDemoDataResult;
import com.alphapulse.db.verification.FillOptions;
import com.alphapulse.db.verification.FillResult;
import com.alphapulse.db.verification.Verifier;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * Multi-tenant demo data in every tenant table of the live catalog. Where the database has AlphaPulse's
 * domain tables with tenant_id (007 or later), those get realistic AlphaPulse rows, generated in the
 * database with {@code INSERT ... SELECT generate_series} in one transaction; every other tenant table (one a
 * later migration added, or every table of another migration set) then gets typed rows for the same tenants
 * from verification's generic generator ({@code Verifier.fill}), in foreign-key order. Each tenant's rows are inserted with
 * {@code app.current_tenant_id} set to that tenant, so the load also works for a table owner under forced
 * row-level security (a superuser bypasses it anyway).
 *
 * <p>It runs under the engine's migration lock ({@link MigrationEngine#withLock}), so a load never interleaves
 * with an upgrade or a downgrade of the same database; failures are translated the engine's way.
 */
public final class DemoData {

    private static final String VERB = "load demo data";

    private static final String[] TABLES = {"users", "user_roles", "trading_accounts", "positions", "trades",
        "portfolio_snapshots", "risk_metrics", "agent_signals", "audit_logs"};

    private static final Settings SETTINGS = new Settings().withExecuteLogging(false).withRenderFormatted(false);

    private DemoData() {}

    public static LoadDemoDataResult load(MigrationEngine engine, Consumer<String> progress, DemoDataOptions o) {
        Instant start = Instant.now();
        return engine.withLock(VERB, c -> {
            // status() only reads (no lock), so it is allowed while this run holds the lock.
            StatusResult state = engine.status();
            List<String> tenantTables = tenantTables(c);
            if (tenantTables.isEmpty() || !state.failed().isEmpty()) {
                throw new MigrationException(Code.PRECONDITION_FAILED, "demo data needs tenant tables (a tenant_id column) "
                        + "and no failed version; the database is at " + state.currentVersion().label() + "; upgrade first");
            }
            CountTenantsResult held = countTenants(c);
            if (!o.intoExistingTenants() && !held.empty()) {
                throw new MigrationException(Code.PRECONDITION_FAILED, "the database holds " + held.describe()
                        + "; demo data would add fake tenants to it; nothing was written");
            }
            if (!tenantTables.containsAll(List.of(TABLES).subList(2, TABLES.length)) || !tenantTables.contains("users")) {
                return generic(engine, progress, o, state, tenantTables, start);
            }
            String prefix = "d" + Long.toUnsignedString(o.seed() & 0xffffffffL, 36);
            if (Boolean.TRUE.equals(ctx(c).fetchValue("SELECT EXISTS (SELECT 1 FROM public.tenants WHERE slug LIKE ?)",
                    prefix + "-%"))) {
                throw new MigrationException(Code.PRECONDITION_FAILED, "demo data with seed " + o.seed()
                        + " is already loaded (tenants " + prefix + "-*); use another seed");
            }
            Map<String, Long> rows = new LinkedHashMap<>();
            rows.put("tenants", 0L);
            for (String t : TABLES) {
                rows.put(t, 0L);
            }
            List<UUID> tenants = new ArrayList<>();
            c.setAutoCommit(false);
            try {
                DSLContext ctx = ctx(c);
                ctx.fetch("SELECT setseed(?)", (double) (Math.floorMod(o.seed(), 2000L) - 1000L) / 1000.0);
                ctx.execute("INSERT INTO public.roles (name, description) VALUES ('admin', 'administrator'), "
                        + "('trader', 'places trades'), ('viewer', 'read only') ON CONFLICT (name) DO NOTHING");
                for (int i = 1; i <= o.tenants(); i++) {
                    UUID id = UUID.nameUUIDFromBytes((prefix + "-" + i).getBytes(StandardCharsets.UTF_8));
                    tenants.add(id);
                    add(rows, "tenants", ctx.execute("INSERT INTO public.tenants (id, name, slug, subscription_tier, status, "
                            + "max_users, max_api_calls_per_day, created_at, updated_at, metadata) VALUES (?::uuid, ?, ?, "
                            + "(ARRAY['starter', 'pro', 'enterprise'])[1 + ? % 3], CASE WHEN ? % 5 = 0 THEN 'suspended' ELSE 'active' END, "
                            + "10 * ?, 50000 * ?, now() - make_interval(days => 30 * ?), now(), "
                            + "jsonb_build_object('region', (ARRAY['eu', 'us', 'apac'])[1 + ? % 3], 'demo', true, 'seed', ?::bigint))",
                            id.toString(), "Demo Tenant " + i + " (" + prefix + ")", prefix + "-" + i, i, i, i, i, i, i, o.seed()));
                }
                for (int i = 0; i < tenants.size(); i++) {
                    progress.accept("demo data: tenant " + (i + 1) + " of " + tenants.size());
                    tenant(ctx, o, prefix, i + 1, tenants.get(i), i, rows);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            List<String> others = new ArrayList<>(tenantTables);
            others.removeAll(rows.keySet());
            if (!others.isEmpty()) {
                FillOptions extra = FillOptions.forTenants(tenants, 0).withSeed(o.seed());
                long perTenant = Math.max(5, Math.round(200 * o.scale() / o.tenants()));
                for (String t : others) {
                    extra = extra.withRows(t, perTenant);
                }
                progress.accept("demo data: " + String.join(", ", others) + " (generic rows, " + perTenant + " per tenant)");
                FillResult filled = Verifier.on(engine.dataSource(), engine.migrations()).fill(extra);
                filled.rows().forEach((t, n) -> {
                    if (n > 0) {
                        rows.merge(t, n, Long::sum);
                    }
                });
            }
            return new LoadDemoDataResult(state.currentVersion().label(), tenants, rows, Duration.between(start, Instant.now()));
        });
    }

    /** See {@link com.alphapulse.db.rehearsal.Rehearsals#countTenants()}. */
    public static CountTenantsResult countTenants(Connection c) throws SQLException {
        List<String> tables = tenantTables(c);
        boolean hasTenants = Boolean.TRUE.equals(ctx(c).fetchValue("SELECT to_regclass('public.tenants') IS NOT NULL"));
        List<String> read = new ArrayList<>(tables);
        if (hasTenants && !read.contains("tenants")) {
            read.add("tenants");
        }
        // An undercount here would let fake tenants in among real ones: read as every tenant, or refuse.
        try (RowSecurity.Switch every = RowSecurity.seeEveryTenant(c, read)) {
            long tenants = hasTenants ? ((Number) ctx(c).fetchValue("SELECT count(*) FROM public.tenants WHERE id::text <> ?",
                    AlphaPulseSchema.DEFAULT_TENANT_ID)).longValue() : 0;
            List<String> withRows = new ArrayList<>();
            for (String t : tables) {
                if (Boolean.TRUE.equals(ctx(c).fetchValue("SELECT EXISTS (SELECT 1 FROM public." + DSL.name(t) + ")"))) {
                    withRows.add(t);
                }
            }
            return new CountTenantsResult(tenants, withRows);
        }
    }

    private static DSLContext ctx(Connection c) {
        return DSL.using(c, SQLDialect.POSTGRES, SETTINGS);
    }

    /** Rolls back quietly: the caller reports the original failure. */
    private static void rollbackQuietly(Connection c) {
        try {
            if (!c.isClosed() && !c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // a terminated session has nothing left to roll back
        }
    }

    /** A set without AlphaPulse's domain tables: new tenants with typed rows in every tenant table. */
    private static LoadDemoDataResult generic(MigrationEngine engine, Consumer<String> progress, DemoDataOptions o,
            StatusResult state, List<String> tenantTables, Instant start) {
        long perTenant = Math.max(5, Math.round(1000 * o.scale() / o.tenants()));
        progress.accept("demo data: " + o.tenants() + " tenants, " + perTenant + " rows each in " + String.join(", ", tenantTables));
        FillResult filled = Verifier.on(engine.dataSource(), engine.migrations())
                .fill(new FillOptions(o.tenants(), perTenant, Map.of(), o.seed()));
        return new LoadDemoDataResult(state.currentVersion().label(), filled.tenantIds(), filled.rows(),
                Duration.between(start, Instant.now()));
    }

    /** The tables of schema public with a tenant_id column, read from the catalog. */
    private static List<String> tenantTables(Connection c) throws SQLException {
        return ctx(c).fetch("SELECT k.relname FROM pg_attribute a JOIN pg_class k ON k.oid = a.attrelid "
                + "JOIN pg_namespace n ON n.oid = k.relnamespace WHERE n.nspname = 'public' AND k.relkind IN ('r', 'p') "
                + "AND a.attname = 'tenant_id' AND NOT a.attisdropped ORDER BY 1").getValues(0, String.class);
    }

    /** Tenant {@code index}'s part of {@code total}: split evenly, the first tenants take the remainder. */
    private static long part(long total, int tenants, int index) {
        return total / tenants + (index < total % tenants ? 1 : 0);
    }

    private static void tenant(DSLContext ctx, DemoDataOptions o, String prefix, int i, UUID tenant, int idx,
            Map<String, Long> rows) {
        int n = o.tenants();
        long users = Math.max(1, part(Math.round(300 * o.scale()), n, idx));
        long accounts = Math.max(1, part(Math.round(200 * o.scale()), n, idx));
        long positions = part(Math.round(5_000 * o.scale()), n, idx);
        long trades = part(Math.round(100_000 * o.scale()), n, idx);
        long snapshots = part(Math.round(10_000 * o.scale()), n, idx);
        long metrics = part(Math.round(5_000 * o.scale()), n, idx);
        long signals = part(Math.round(10_000 * o.scale()), n, idx);
        long audits = part(Math.round(20_000 * o.scale()), n, idx);
        String t = tenant.toString();
        String tag = prefix + "_" + i;
        ctx.fetch("SELECT set_config('app.current_tenant_id', ?, true)", t);
        add(rows, "users", ctx.execute("INSERT INTO public.users (tenant_id, username, email, password_hash, is_active, "
                + "is_verified, created_at, updated_at, last_login_at) "
                + "SELECT ?::uuid, 'u_' || ? || '_' || g, CASE WHEN g <= ? THEN 'shared' || g || '@demo.example' "
                + "ELSE 'u' || g || '@' || ? || '.demo.example' END, md5(? || g), random() > 0.1, random() > 0.5, "
                + "now() - random() * interval '365 days', now(), CASE WHEN g % 3 = 0 THEN NULL ELSE now() - random() * interval '7 days' END "
                + "FROM generate_series(1, ?) g", t, tag, (long) o.sharedEmails(), tag.replace('_', '-'), tag, users));
        add(rows, "user_roles", ctx.execute("INSERT INTO public.user_roles (user_id, role_id) SELECT u.id, r.id FROM public.users u "
                + "JOIN public.roles r ON r.name = (ARRAY['admin', 'trader', 'viewer'])[1 + u.id % 3] WHERE u.tenant_id = ?::uuid "
                + "ON CONFLICT DO NOTHING", t));
        add(rows, "trading_accounts", ctx.execute("INSERT INTO public.trading_accounts (tenant_id, account_id, account_number, "
                + "exchange_name, account_type, balance, available_balance, created_at, is_active) "
                + "SELECT ?::uuid, 'ACC-' || ? || '-' || g, lpad((random() * 1e10)::bigint::text, 12, '0'), "
                + "(ARRAY['binance', 'kraken', 'coinbase', 'bybit'])[1 + g % 4], (ARRAY['spot', 'margin', 'futures'])[1 + g % 3], "
                + "round((random() * 250000)::numeric, 2), round((random() * 100000)::numeric, 2), "
                + "now() - random() * interval '400 days', random() > 0.05 FROM generate_series(1, ?) g", t, tag, accounts));
        String acc = "WITH acc AS (SELECT array_agg(id ORDER BY id) a FROM public.trading_accounts WHERE tenant_id = ?::uuid) ";
        String sym = "(ARRAY['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'ADA/USDT', 'XRP/USDT', 'DOGE/USDT', 'BNB/USDT'])[1 + g % 7]";
        add(rows, "positions", ctx.execute(acc + "INSERT INTO public.positions (tenant_id, position_id, account_id, symbol, side, "
                + "size, entry_price, current_price, unrealized_pnl, realized_pnl, stop_loss, take_profit, opened_at, closed_at, status) "
                + "SELECT ?::uuid, 'POS-' || ? || '-' || g, acc.a[1 + g % array_length(acc.a, 1)], " + sym + ", "
                + "CASE WHEN g % 2 = 0 THEN 'long' ELSE 'short' END, round((random() * 10)::numeric, 4), "
                + "round((100 + random() * 60000)::numeric, 2), round((100 + random() * 60000)::numeric, 2), "
                + "round(((random() - 0.5) * 5000)::numeric, 2), round(((random() - 0.5) * 2000)::numeric, 2), NULL, NULL, "
                + "now() - random() * interval '90 days', CASE WHEN g % 4 = 0 THEN now() - random() * interval '10 days' END, "
                + "CASE WHEN g % 4 = 0 THEN 'closed' ELSE 'open' END FROM generate_series(1, ?) g, acc", t, t, tag, positions));
        add(rows, "trades", ctx.execute(acc + ", pos AS (SELECT array_agg(id ORDER BY id) ids FROM public.positions WHERE tenant_id = ?::uuid) "
                + "INSERT INTO public.trades (tenant_id, trade_id, account_id, position_id, symbol, side, trade_type, quantity, price, "
                + "fee, gross_value, net_value, executed_at, created_at) "
                + "SELECT ?::uuid, 'TRD-' || ? || '-' || g, acc.a[1 + g % array_length(acc.a, 1)], "
                + "CASE WHEN g % 10 < 3 AND pos.ids IS NOT NULL THEN pos.ids[1 + g % array_length(pos.ids, 1)] END, " + sym + ", "
                + "CASE WHEN g % 2 = 0 THEN 'buy' ELSE 'sell' END, (ARRAY['market', 'limit', 'stop'])[1 + g % 3], x.q, x.p, "
                + "round((x.q * x.p * 0.001)::numeric, 6), x.q * x.p, x.q * x.p * 0.999, x.ts, x.ts + interval '1 second' "
                + "FROM (SELECT g, round((random() * 5)::numeric, 6)::float8 AS q, round((10 + random() * 60000)::numeric, 2)::float8 AS p, "
                + "now() - random() * interval '180 days' AS ts FROM generate_series(1, ?) g) x, acc, pos",
                t, t, t, tag, trades));
        add(rows, "portfolio_snapshots", ctx.execute(acc + "INSERT INTO public.portfolio_snapshots (tenant_id, account_id, total_value, "
                + "cash_balance, daily_return, cumulative_return, snapshot_time) "
                + "SELECT ?::uuid, acc.a[1 + g % array_length(acc.a, 1)], round((random() * 500000)::numeric, 2), "
                + "round((random() * 100000)::numeric, 2), round(((random() - 0.5) * 0.1)::numeric, 6), "
                + "round(((random() - 0.3) * 2)::numeric, 6), timestamptz '2025-01-01 00:00:00+00' "
                + "+ (g / array_length(acc.a, 1)) * interval '1 hour' FROM generate_series(1, ?) g, acc", t, t, snapshots));
        add(rows, "risk_metrics", ctx.execute(acc + "INSERT INTO public.risk_metrics (tenant_id, account_id, portfolio_value, "
                + "total_exposure, leverage, var_95, var_99, cvar_95, sharpe_ratio, sortino_ratio, max_drawdown, calculated_at) "
                + "SELECT ?::uuid, acc.a[1 + g % array_length(acc.a, 1)], round((random() * 500000)::numeric, 2), "
                + "round((random() * 800000)::numeric, 2), round((1 + random() * 4)::numeric, 2), random() * 0.05, random() * 0.08, "
                + "random() * 0.1, (random() - 0.2) * 3, (random() - 0.2) * 4, random() * 0.4, now() - random() * interval '180 days' "
                + "FROM generate_series(1, ?) g, acc", t, t, metrics));
        add(rows, "agent_signals", ctx.execute("INSERT INTO public.agent_signals (tenant_id, agent_type, symbol, signal, confidence, "
                + "reasoning, created_at) SELECT ?::uuid, (ARRAY['technical', 'fundamental', 'sentiment', 'value', 'activist'])[1 + g % 5], "
                + sym + ", (ARRAY['buy', 'sell', 'hold'])[1 + g % 3], round(random()::numeric, 4), "
                + "CASE WHEN g % 5 = 0 THEN NULL ELSE 'signal ' || g || ' of ' || ? END, now() - random() * interval '60 days' "
                + "FROM generate_series(1, ?) g", t, tag, signals));
        add(rows, "audit_logs", ctx.execute("WITH u AS (SELECT array_agg(id ORDER BY id) a FROM public.users WHERE tenant_id = ?::uuid) "
                + "INSERT INTO public.audit_logs (tenant_id, user_id, event_type, event_data, severity, ip_address, user_agent, success, "
                + "created_at) SELECT ?::uuid, CASE WHEN g % 10 = 0 THEN NULL ELSE u.a[1 + g % array_length(u.a, 1)] END, "
                + "(ARRAY['login', 'logout', 'trade.created', 'order.cancelled', 'settings.changed', 'api_key.rotated'])[1 + g % 6], "
                + "jsonb_build_object('seq', g, 'tenant', ?), (ARRAY['info', 'info', 'warning', 'error'])[1 + g % 4], "
                + "'10.' || (g % 256) || '.' || ((g / 256) % 256) || '.' || (g % 200 + 1), 'demo-agent/1.0', g % 17 <> 0, "
                + "now() - random() * interval '90 days' FROM generate_series(1, ?) g, u", t, t, tag, audits));
    }

    private static void add(Map<String, Long> rows, String table, int n) {
        rows.merge(table, (long) n, Long::sum);
    }
}
