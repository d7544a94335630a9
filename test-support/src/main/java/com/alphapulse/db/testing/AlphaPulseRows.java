package com.alphapulse.db.testing;

import com.alphapulse.db.postgres.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * AlphaPulse tenant rows for tests that need the AlphaPulse tables filled (the database at 007 or later),
 * inserted as the migration's superuser with generate_series. The one generator of AlphaPulse test rows.
 */
public final class AlphaPulseRows {

    private AlphaPulseRows() {}

    /**
     * Adds {@code tenants} tenants with {@code tradesPerTenant} trades each, plus users, two accounts,
     * positions, snapshots, risk metrics, signals and audit logs, with generate_series (superuser: no RLS).
     */
    public static void load(Database db, int tenants, int tradesPerTenant) {
        TestDatabases.execute(db, """
                INSERT INTO tenants (id, name, slug, subscription_tier)
                SELECT ('10000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid, 'Tenant ' || g, 'tenant-' || g, 'pro'
                  FROM generate_series(1, %1$d) g;
                INSERT INTO users (tenant_id, username, email, password_hash)
                SELECT t.id, t.slug || '-user-' || g, 'user' || g || '@' || t.slug || '.test', 'hash'
                  FROM tenants t, generate_series(1, 5) g WHERE t.slug LIKE 'tenant-%%';
                INSERT INTO trading_accounts (tenant_id, account_id, account_number, exchange_name, account_type, balance)
                SELECT t.id, t.slug || '-acct-' || g, 'N' || g, 'binance', 'spot', 1000 * g
                  FROM tenants t, generate_series(1, 2) g WHERE t.slug LIKE 'tenant-%%';
                INSERT INTO positions (tenant_id, position_id, account_id, symbol, side, size, entry_price, status, opened_at)
                SELECT a.tenant_id, a.account_id || '-pos-' || g, a.id, 'SYM' || (g %% 7), 'long', g, 100 + g,
                       CASE WHEN g %% 3 = 0 THEN 'closed' ELSE 'open' END,
                       timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute'
                  FROM trading_accounts a, generate_series(1, %2$d / 20) g WHERE a.account_id LIKE 'tenant-%%';
                INSERT INTO trades (tenant_id, trade_id, account_id, symbol, side, trade_type, quantity, price,
                                    gross_value, net_value, executed_at, created_at)
                SELECT a.tenant_id, a.account_id || '-trade-' || g, a.id, 'SYM' || (g %% 7),
                       CASE WHEN g %% 2 = 0 THEN 'buy' ELSE 'sell' END, 'market', g %% 10 + 1, 100 + g %% 50,
                       (g %% 10 + 1) * (100 + g %% 50), (g %% 10 + 1) * (100 + g %% 50) - 1,
                       timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second',
                       timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second'
                  FROM trading_accounts a, generate_series(1, %2$d / 2) g WHERE a.account_id LIKE 'tenant-%%';
                INSERT INTO portfolio_snapshots (tenant_id, account_id, total_value, cash_balance, snapshot_time)
                SELECT a.tenant_id, a.id, 1000 + g, 500, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 hour'
                  FROM trading_accounts a, generate_series(1, 20) g WHERE a.account_id LIKE 'tenant-%%';
                INSERT INTO risk_metrics (tenant_id, account_id, portfolio_value, total_exposure, var_95)
                SELECT a.tenant_id, a.id, 1000 + g, 100 + g, g / 100.0
                  FROM trading_accounts a, generate_series(1, 10) g WHERE a.account_id LIKE 'tenant-%%';
                INSERT INTO agent_signals (tenant_id, agent_type, symbol, signal, confidence)
                SELECT t.id, 'momentum', 'SYM' || g, 'buy', g / 10.0
                  FROM tenants t, generate_series(1, 10) g WHERE t.slug LIKE 'tenant-%%';
                INSERT INTO audit_logs (tenant_id, user_id, event_type, severity, event_data)
                SELECT u.tenant_id, u.id, 'login', 'info', jsonb_build_object('n', g)
                  FROM users u, generate_series(1, 3) g WHERE u.username LIKE 'tenant-%%';
                ANALYZE;
                """.formatted(tenants, tradesPerTenant));
    }

    /** What a {@link #loadTenant} tag may be: it is spliced into keys and symbols that have short columns. */
    private static final Pattern TAG = Pattern.compile("[a-z][a-z0-9]{0,7}");

    /**
     * Adds tenant {@code id} (name {@code "Tenant " + TAG}, slug {@code "tenant-" + tag}, tier starter) and
     * exactly {@code rows} rows of it in each of the eight tenant tables: the {@code i}-th (from 1) user,
     * trading account, position (on account {@code i}), trade (of position {@code i}), risk metric and
     * portfolio snapshot (of account {@code i}), signal and audit log (of user {@code i}); positions, trades
     * and signals have the symbol {@link #symbol symbol(tag, i)}. For tests that need a few tenants with
     * known, different row counts, where {@link #load} makes many alike.
     *
     * <p>The rows are inserted in one transaction under the tenant's {@code app.current_tenant_id}, so this
     * also works for an administrator that FORCE row-level security binds (an external server's non-superuser
     * owner), not only for a superuser. Do not call {@link #load} on the same database afterwards: it fills
     * every tenant whose slug starts with {@code tenant-}, these included.
     *
     * @param tag a short lower-case name, 1 to 8 letters or digits, unique in the database
     * @return the ids the database gave the trading accounts; element {@code i - 1} is account {@code i}
     */
    public static List<Integer> loadTenant(Database db, UUID id, String tag, int rows) {
        if (id == null || tag == null || !TAG.matcher(tag).matches() || rows < 0) {
            throw new IllegalArgumentException("need an id, a tag matching " + TAG + " and rows >= 0; got "
                    + id + ", " + tag + ", " + rows);
        }
        // Values spliced in below are a UUID, a checked tag and an int, so the text cannot be injected.
        String sql = """
                INSERT INTO tenants (id, name, slug, subscription_tier)
                VALUES ('%1$s', 'Tenant %3$s', 'tenant-%2$s', 'starter');
                SELECT set_config('app.current_tenant_id', '%1$s', true);
                INSERT INTO users (tenant_id, username, email, password_hash)
                SELECT '%1$s', 'u_%2$s_' || g, '%2$s' || g || '@example.com', 'x' FROM generate_series(1, %4$d) g;
                INSERT INTO trading_accounts (tenant_id, account_id, account_number, exchange_name, account_type)
                SELECT '%1$s', 'acc_%2$s_' || g, '000', 'binance', 'spot' FROM generate_series(1, %4$d) g;
                INSERT INTO positions (tenant_id, position_id, account_id, symbol, side, size, entry_price)
                SELECT '%1$s', 'pos_%2$s_' || g, a.id, '%3$s' || g || 'USDT', 'long', 1, 100
                  FROM generate_series(1, %4$d) g JOIN trading_accounts a
                    ON a.tenant_id = '%1$s' AND a.account_id = 'acc_%2$s_' || g;
                INSERT INTO trades (tenant_id, trade_id, account_id, position_id, symbol, side, trade_type,
                                    quantity, price, gross_value, net_value, executed_at)
                SELECT '%1$s', 'trd_%2$s_' || g, p.account_id, p.id, p.symbol, 'buy', 'market', 1, 100, 100, 99.9, now()
                  FROM generate_series(1, %4$d) g JOIN positions p
                    ON p.tenant_id = '%1$s' AND p.position_id = 'pos_%2$s_' || g;
                INSERT INTO risk_metrics (tenant_id, account_id, portfolio_value, total_exposure)
                SELECT '%1$s', a.id, 1000, 100
                  FROM generate_series(1, %4$d) g JOIN trading_accounts a
                    ON a.tenant_id = '%1$s' AND a.account_id = 'acc_%2$s_' || g;
                INSERT INTO portfolio_snapshots (tenant_id, account_id, total_value, cash_balance)
                SELECT '%1$s', a.id, 1000, 500
                  FROM generate_series(1, %4$d) g JOIN trading_accounts a
                    ON a.tenant_id = '%1$s' AND a.account_id = 'acc_%2$s_' || g;
                INSERT INTO agent_signals (tenant_id, agent_type, symbol, signal, confidence)
                SELECT '%1$s', 'momentum', '%3$s' || g || 'USDT', 'buy', 0.5 FROM generate_series(1, %4$d) g;
                INSERT INTO audit_logs (tenant_id, user_id, event_type, severity)
                SELECT '%1$s', u.id, 'login', 'info'
                  FROM generate_series(1, %4$d) g JOIN users u
                    ON u.tenant_id = '%1$s' AND u.username = 'u_%2$s_' || g;
                """.formatted(id, tag, tag.toUpperCase(Locale.ROOT), rows);
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
            List<Integer> accounts = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT a.id FROM generate_series(1, ?) g"
                    + " JOIN trading_accounts a ON a.tenant_id = ? AND a.account_id = 'acc_' || ? || '_' || g"
                    + " ORDER BY g")) {
                ps.setInt(1, rows);
                ps.setObject(2, id);
                ps.setString(3, tag);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        accounts.add(rs.getInt(1));
                    }
                }
            }
            c.commit();
            return List.copyOf(accounts);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load tenant " + tag + " (" + id + "): " + e.getMessage(), e);
        }
    }

    /** The symbol of the {@code i}-th position, trade and signal that {@link #loadTenant} made for {@code tag}. */
    public static String symbol(String tag, int i) {
        return tag.toUpperCase(Locale.ROOT) + i + "USDT";
    }

    /** The id text of test tenant {@code n} made by {@link #load}. */
    public static String tenant(int n) {
        return "10000000-0000-0000-0000-" + String.format("%012d", n);
    }
}
