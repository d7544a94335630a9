-- V010: tenant-safe keys, online. Referential checks ignore row-level security, so a
-- single-column foreign key lets one tenant's row point at another tenant's
-- parent, and a global unique key lets one tenant probe for another's values
-- (a duplicate-key error says the value exists elsewhere). From 010 on:
-- parents are unique on (tenant_id, id), the foreign keys between tenant
-- tables carry the tenant, and natural keys are unique per tenant.
-- alphapulse:online
--
-- Outside a transaction (V010__tenant_safe_keys.sql.conf), like V007, so that
-- no lock that blocks application writes is held longer than a catalog change,
-- and every statement can run again after a kill at any point:
-- 1. unique indexes built CONCURRENTLY IF NOT EXISTS (an interrupted build's
--    INVALID index is dropped by the engine before the re-run), then attached
--    as constraints USING INDEX (catalog only) when not attached yet;
-- 2. composite foreign keys added NOT VALID when missing (catalog only; they
--    hold for every row written from now on), then VALIDATEd, which takes
--    SHARE UPDATE EXCLUSIVE and lets reads and writes go on;
-- 3. the single-column foreign keys and global unique keys they replace are
--    dropped (IF EXISTS), each with its tables locked first.
-- The engine refuses the upgrade before anything runs when a row's tenant
-- differs from its parent's (a VALIDATE here would fail half-way otherwise).
-- No ON DELETE action: V002 declared none, deleting a parent that still has
-- children stays refused.
-- Undo (U010) data-loss risk: NONE; SECURITY - cross-tenant references become
-- possible again.

-- 1. parents unique on (tenant_id, id): what the composite foreign keys reference
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_trading_accounts_tenant_id_id ON trading_accounts (tenant_id, id);
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.trading_accounts'::regclass AND conname = 'uq_trading_accounts_tenant_id_id') THEN
        ALTER TABLE trading_accounts ADD CONSTRAINT uq_trading_accounts_tenant_id_id UNIQUE USING INDEX uq_trading_accounts_tenant_id_id;
    END IF;
END
$$;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_positions_tenant_id_id ON positions (tenant_id, id);
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.positions'::regclass AND conname = 'uq_positions_tenant_id_id') THEN
        ALTER TABLE positions ADD CONSTRAINT uq_positions_tenant_id_id UNIQUE USING INDEX uq_positions_tenant_id_id;
    END IF;
END
$$;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_users_tenant_id_id ON users (tenant_id, id);
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.users'::regclass AND conname = 'uq_users_tenant_id_id') THEN
        ALTER TABLE users ADD CONSTRAINT uq_users_tenant_id_id UNIQUE USING INDEX uq_users_tenant_id_id;
    END IF;
END
$$;
-- natural keys, per tenant
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_trading_accounts_tenant_account_id ON trading_accounts (tenant_id, account_id);
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.trading_accounts'::regclass AND conname = 'uq_trading_accounts_tenant_account_id') THEN
        ALTER TABLE trading_accounts ADD CONSTRAINT uq_trading_accounts_tenant_account_id UNIQUE USING INDEX uq_trading_accounts_tenant_account_id;
    END IF;
END
$$;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_positions_tenant_position_id ON positions (tenant_id, position_id);
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.positions'::regclass AND conname = 'uq_positions_tenant_position_id') THEN
        ALTER TABLE positions ADD CONSTRAINT uq_positions_tenant_position_id UNIQUE USING INDEX uq_positions_tenant_position_id;
    END IF;
END
$$;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_trades_tenant_trade_id ON trades (tenant_id, trade_id);
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.trades'::regclass AND conname = 'uq_trades_tenant_trade_id') THEN
        ALTER TABLE trades ADD CONSTRAINT uq_trades_tenant_trade_id UNIQUE USING INDEX uq_trades_tenant_trade_id;
    END IF;
END
$$;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_users_tenant_username ON users (tenant_id, username);
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.users'::regclass AND conname = 'uq_users_tenant_username') THEN
        ALTER TABLE users ADD CONSTRAINT uq_users_tenant_username UNIQUE USING INDEX uq_users_tenant_username;
    END IF;
END
$$;
-- 2. foreign keys that carry the tenant. MATCH SIMPLE (the default): a row
-- whose user_id (or position_id) is NULL is not checked, as before.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.trades'::regclass AND conname = 'fk_trades_trading_accounts_tenant') THEN
        ALTER TABLE trades ADD CONSTRAINT fk_trades_trading_accounts_tenant
            FOREIGN KEY (tenant_id, account_id) REFERENCES trading_accounts (tenant_id, id) NOT VALID;
    END IF;
END
$$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.trades'::regclass AND conname = 'fk_trades_positions_tenant') THEN
        ALTER TABLE trades ADD CONSTRAINT fk_trades_positions_tenant
            FOREIGN KEY (tenant_id, position_id) REFERENCES positions (tenant_id, id) NOT VALID;
    END IF;
END
$$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.positions'::regclass AND conname = 'fk_positions_trading_accounts_tenant') THEN
        ALTER TABLE positions ADD CONSTRAINT fk_positions_trading_accounts_tenant
            FOREIGN KEY (tenant_id, account_id) REFERENCES trading_accounts (tenant_id, id) NOT VALID;
    END IF;
END
$$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.portfolio_snapshots'::regclass AND conname = 'fk_portfolio_snapshots_trading_accounts_tenant') THEN
        ALTER TABLE portfolio_snapshots ADD CONSTRAINT fk_portfolio_snapshots_trading_accounts_tenant
            FOREIGN KEY (tenant_id, account_id) REFERENCES trading_accounts (tenant_id, id) NOT VALID;
    END IF;
END
$$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.risk_metrics'::regclass AND conname = 'fk_risk_metrics_trading_accounts_tenant') THEN
        ALTER TABLE risk_metrics ADD CONSTRAINT fk_risk_metrics_trading_accounts_tenant
            FOREIGN KEY (tenant_id, account_id) REFERENCES trading_accounts (tenant_id, id) NOT VALID;
    END IF;
END
$$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.audit_logs'::regclass AND conname = 'fk_audit_logs_users_tenant') THEN
        ALTER TABLE audit_logs ADD CONSTRAINT fk_audit_logs_users_tenant
            FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;
    END IF;
END
$$;
ALTER TABLE trades VALIDATE CONSTRAINT fk_trades_trading_accounts_tenant;
ALTER TABLE trades VALIDATE CONSTRAINT fk_trades_positions_tenant;
ALTER TABLE positions VALIDATE CONSTRAINT fk_positions_trading_accounts_tenant;
ALTER TABLE portfolio_snapshots VALIDATE CONSTRAINT fk_portfolio_snapshots_trading_accounts_tenant;
ALTER TABLE risk_metrics VALIDATE CONSTRAINT fk_risk_metrics_trading_accounts_tenant;
ALTER TABLE audit_logs VALIDATE CONSTRAINT fk_audit_logs_users_tenant;

-- 3. what they replace. Dropping a foreign key drops its triggers on the
-- referenced table too, which takes ACCESS EXCLUSIVE there: both tables are
-- named in a LOCK, child first, so that the engine takes both with its short,
-- retried lock timeout instead of the statement queueing for the parent.
DO $$
BEGIN
    LOCK TABLE trades, trading_accounts IN ACCESS EXCLUSIVE MODE;
    ALTER TABLE trades DROP CONSTRAINT IF EXISTS fk_trades_account_id;
END
$$;
DO $$
BEGIN
    LOCK TABLE trades, positions IN ACCESS EXCLUSIVE MODE;
    ALTER TABLE trades DROP CONSTRAINT IF EXISTS fk_trades_position_id;
END
$$;
DO $$
BEGIN
    LOCK TABLE positions, trading_accounts IN ACCESS EXCLUSIVE MODE;
    ALTER TABLE positions DROP CONSTRAINT IF EXISTS fk_positions_account_id;
END
$$;
DO $$
BEGIN
    LOCK TABLE portfolio_snapshots, trading_accounts IN ACCESS EXCLUSIVE MODE;
    ALTER TABLE portfolio_snapshots DROP CONSTRAINT IF EXISTS fk_portfolio_snapshots_account_id;
END
$$;
DO $$
BEGIN
    LOCK TABLE risk_metrics, trading_accounts IN ACCESS EXCLUSIVE MODE;
    ALTER TABLE risk_metrics DROP CONSTRAINT IF EXISTS fk_risk_metrics_account_id;
END
$$;
DO $$
BEGIN
    LOCK TABLE audit_logs, users IN ACCESS EXCLUSIVE MODE;
    ALTER TABLE audit_logs DROP CONSTRAINT IF EXISTS fk_audit_logs_user_id;
END
$$;
ALTER TABLE trading_accounts DROP CONSTRAINT IF EXISTS uq_trading_accounts_account_id;
ALTER TABLE positions DROP CONSTRAINT IF EXISTS uq_positions_position_id;
ALTER TABLE trades DROP CONSTRAINT IF EXISTS uq_trades_trade_id;
ALTER TABLE users DROP CONSTRAINT IF EXISTS uq_users_username;
