-- U010: version 010 -> version 009.
-- Data-loss risk: NONE, but SECURITY: afterwards single-column foreign keys let
-- a row reference another tenant's parent again, and the global unique keys let
-- one tenant probe for another tenant's trade, account, position ids and usernames.
-- Restoring a global unique key is impossible once two tenants share a value:
-- the rollback engine counts the shared values on every tenant's rows before it
-- starts and refuses. There is no count in here: run by the engine as the
-- migration role, this script reads with row_security off, which refuses any
-- read of a table whose policies apply; the ADD CONSTRAINTs are not filtered
-- (a unique violation rolls the whole script back, nothing half-done).
-- Every statement is guarded, so a re-run is a no-op.

DO $$
BEGIN
    RAISE WARNING 'U010: TENANT-SAFE KEYS ARE BEING REMOVED - cross-tenant references possible again: a trade, position, snapshot, risk metric or audit log may reference another tenant''s account, position or user, and trade, account and position ids and usernames are unique across tenants again (one tenant can probe for another''s). Upgrade to 010 again as soon as the cause of this rollback is fixed.';
END
$$;

-- The global unique keys' indexes are built CONCURRENTLY: the engine runs these
-- statements before the undo's transaction and its exclusive locks (they cannot
-- run inside one), so the application keeps writing while trades.trade_id is
-- indexed; under the locks below each is then attached as its constraint, a
-- catalog change. IF NOT EXISTS: an attempt rolled back after them reuses them.
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_trading_accounts_account_id ON trading_accounts (account_id);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_positions_position_id ON positions (position_id);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_trades_trade_id ON trades (trade_id);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_users_username ON users (username);

-- Locks first, children before parents, in the order the application takes
-- them (see U008): the foreign keys below add and drop triggers on the parents.
LOCK TABLE trades, positions, portfolio_snapshots, risk_metrics, audit_logs,
    trading_accounts, users
    IN ACCESS EXCLUSIVE MODE;

ALTER TABLE trades DROP CONSTRAINT IF EXISTS fk_trades_trading_accounts_tenant;
ALTER TABLE trades DROP CONSTRAINT IF EXISTS fk_trades_positions_tenant;
ALTER TABLE positions DROP CONSTRAINT IF EXISTS fk_positions_trading_accounts_tenant;
ALTER TABLE portfolio_snapshots DROP CONSTRAINT IF EXISTS fk_portfolio_snapshots_trading_accounts_tenant;
ALTER TABLE risk_metrics DROP CONSTRAINT IF EXISTS fk_risk_metrics_trading_accounts_tenant;
ALTER TABLE audit_logs DROP CONSTRAINT IF EXISTS fk_audit_logs_users_tenant;

-- Same names and definitions as V002 created them.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.trades'::regclass AND conname = 'fk_trades_account_id') THEN
        ALTER TABLE trades ADD CONSTRAINT fk_trades_account_id FOREIGN KEY (account_id) REFERENCES trading_accounts (id);
    END IF;
END
$$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.trades'::regclass AND conname = 'fk_trades_position_id') THEN
        ALTER TABLE trades ADD CONSTRAINT fk_trades_position_id FOREIGN KEY (position_id) REFERENCES positions (id);
    END IF;
END
$$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.positions'::regclass AND conname = 'fk_positions_account_id') THEN
        ALTER TABLE positions ADD CONSTRAINT fk_positions_account_id FOREIGN KEY (account_id) REFERENCES trading_accounts (id);
    END IF;
END
$$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.portfolio_snapshots'::regclass AND conname = 'fk_portfolio_snapshots_account_id') THEN
        ALTER TABLE portfolio_snapshots ADD CONSTRAINT fk_portfolio_snapshots_account_id FOREIGN KEY (account_id) REFERENCES trading_accounts (id);
    END IF;
END
$$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.risk_metrics'::regclass AND conname = 'fk_risk_metrics_account_id') THEN
        ALTER TABLE risk_metrics ADD CONSTRAINT fk_risk_metrics_account_id FOREIGN KEY (account_id) REFERENCES trading_accounts (id);
    END IF;
END
$$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.audit_logs'::regclass AND conname = 'fk_audit_logs_user_id') THEN
        ALTER TABLE audit_logs ADD CONSTRAINT fk_audit_logs_user_id FOREIGN KEY (user_id) REFERENCES users (id);
    END IF;
END
$$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.trading_accounts'::regclass AND conname = 'uq_trading_accounts_account_id') THEN
        ALTER TABLE trading_accounts ADD CONSTRAINT uq_trading_accounts_account_id UNIQUE USING INDEX uq_trading_accounts_account_id;
    END IF;
END
$$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.positions'::regclass AND conname = 'uq_positions_position_id') THEN
        ALTER TABLE positions ADD CONSTRAINT uq_positions_position_id UNIQUE USING INDEX uq_positions_position_id;
    END IF;
END
$$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.trades'::regclass AND conname = 'uq_trades_trade_id') THEN
        ALTER TABLE trades ADD CONSTRAINT uq_trades_trade_id UNIQUE USING INDEX uq_trades_trade_id;
    END IF;
END
$$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.users'::regclass AND conname = 'uq_users_username') THEN
        ALTER TABLE users ADD CONSTRAINT uq_users_username UNIQUE USING INDEX uq_users_username;
    END IF;
END
$$;
ALTER TABLE trading_accounts DROP CONSTRAINT IF EXISTS uq_trading_accounts_tenant_account_id;
ALTER TABLE positions DROP CONSTRAINT IF EXISTS uq_positions_tenant_position_id;
ALTER TABLE trades DROP CONSTRAINT IF EXISTS uq_trades_tenant_trade_id;
ALTER TABLE users DROP CONSTRAINT IF EXISTS uq_users_tenant_username;
ALTER TABLE trading_accounts DROP CONSTRAINT IF EXISTS uq_trading_accounts_tenant_id_id;
ALTER TABLE positions DROP CONSTRAINT IF EXISTS uq_positions_tenant_id_id;
ALTER TABLE users DROP CONSTRAINT IF EXISTS uq_users_tenant_id_id;
