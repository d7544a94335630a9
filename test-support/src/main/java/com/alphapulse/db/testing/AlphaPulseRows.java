package com.alphapulse.db.testing;

import com.alphapulse.db.postgres.Database;

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

    /** The id text of test tenant {@code n} made by {@link #load}. */
    public static String tenant(int n) {
        return "10000000-0000-0000-0000-" + String.format("%012d", n);
    }
}
