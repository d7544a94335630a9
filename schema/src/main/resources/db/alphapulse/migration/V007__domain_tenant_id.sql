-- V007: tenant_id (NOT NULL, FK to tenants ON DELETE CASCADE, indexed) on the
-- seven domain tables, online: expand, backfill in batches, contract.
-- alphapulse:online
--
-- The script runs outside a transaction (V007__domain_tenant_id.sql.conf) so
-- that no lock is held longer than one short statement, and every statement
-- can run again: after a kill or a lock timeout the engine re-runs the version
-- and it carries on where it stopped (the marker above says so; the engine
-- then also takes each statement's table lock itself, with a short
-- lock_timeout and jittered retries, and repeats each `alphapulse:batch`
-- UPDATE in primary-key batches). Plain Flyway runs the same statements once
-- each, which gives the same end state.
--
-- Phases, in order:
-- 1. expand: nullable columns (catalog only), trading_accounts and
--    agent_signals with their constant tenant as a DEFAULT (catalog only too);
--    NOT VALID checks and foreign keys, which hold for every row written from
--    now on; triggers that derive tenant_id for rows the application writes
--    without one, exactly as the backfill does.
-- 2. backfill: children take their account's tenant, audit logs their user's
--    (system events the default tenant). Only NULLs are filled: the rollback
--    engine restores archived tenant_ids right after each column is added.
-- 3. contract: VALIDATE (SHARE UPDATE EXCLUSIVE: reads and writes go on; a
--    validated constraint is not validated again),
--    SET NOT NULL through the validated check (no scan under the exclusive
--    lock), indexes CONCURRENTLY, then the transitional triggers and defaults
--    go: from 007 on, the application names the tenant of what it inserts.
-- Any row the backfill cannot place makes a VALIDATE fail loudly instead of
-- being dropped or silently defaulted.
-- Undo (U007) data-loss risk: MEDIUM - tenant_id values of all seven tables
-- are lost.

-- 1. expand
ALTER TABLE trading_accounts ADD COLUMN IF NOT EXISTS tenant_id uuid DEFAULT '00000000-0000-0000-0000-000000000001';
ALTER TABLE trades ADD COLUMN IF NOT EXISTS tenant_id uuid;
ALTER TABLE positions ADD COLUMN IF NOT EXISTS tenant_id uuid;
ALTER TABLE portfolio_snapshots ADD COLUMN IF NOT EXISTS tenant_id uuid;
ALTER TABLE risk_metrics ADD COLUMN IF NOT EXISTS tenant_id uuid;
ALTER TABLE agent_signals ADD COLUMN IF NOT EXISTS tenant_id uuid DEFAULT '00000000-0000-0000-0000-000000000001';
ALTER TABLE audit_logs ADD COLUMN IF NOT EXISTS tenant_id uuid;

-- SECURITY DEFINER: the application role that inserts may not read users or
-- accounts of another tenant later, but during 007 the derivation must see them.
CREATE OR REPLACE FUNCTION alphapulse_v007_tenant_from_account() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    SELECT ta.tenant_id INTO NEW.tenant_id FROM trading_accounts ta WHERE ta.id = NEW.account_id;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION alphapulse_v007_tenant_from_user() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NEW.user_id IS NULL THEN
        NEW.tenant_id := '00000000-0000-0000-0000-000000000001';
    ELSE
        SELECT u.tenant_id INTO NEW.tenant_id FROM users u WHERE u.id = NEW.user_id;
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER alphapulse_v007_trades_tenant BEFORE INSERT OR UPDATE ON trades
    FOR EACH ROW WHEN (NEW.tenant_id IS NULL) EXECUTE FUNCTION alphapulse_v007_tenant_from_account();
CREATE OR REPLACE TRIGGER alphapulse_v007_positions_tenant BEFORE INSERT OR UPDATE ON positions
    FOR EACH ROW WHEN (NEW.tenant_id IS NULL) EXECUTE FUNCTION alphapulse_v007_tenant_from_account();
CREATE OR REPLACE TRIGGER alphapulse_v007_portfolio_snapshots_tenant BEFORE INSERT OR UPDATE ON portfolio_snapshots
    FOR EACH ROW WHEN (NEW.tenant_id IS NULL) EXECUTE FUNCTION alphapulse_v007_tenant_from_account();
CREATE OR REPLACE TRIGGER alphapulse_v007_risk_metrics_tenant BEFORE INSERT OR UPDATE ON risk_metrics
    FOR EACH ROW WHEN (NEW.tenant_id IS NULL) EXECUTE FUNCTION alphapulse_v007_tenant_from_account();
CREATE OR REPLACE TRIGGER alphapulse_v007_audit_logs_tenant BEFORE INSERT OR UPDATE ON audit_logs
    FOR EACH ROW WHEN (NEW.tenant_id IS NULL) EXECUTE FUNCTION alphapulse_v007_tenant_from_user();

-- Each added only when it is not there yet (PostgreSQL has no ADD CONSTRAINT
-- IF NOT EXISTS): a re-run neither drops a validated constraint (which would
-- lock tenants exclusively and validate again) nor re-adds a check whose
-- column is already NOT NULL. Catalog only; they hold for every row written
-- from now on.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.trading_accounts'::regclass
                   AND conname = 'chk_trading_accounts_tenant_id_not_null')
       AND NOT (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.trading_accounts'::regclass AND attname = 'tenant_id') THEN
        ALTER TABLE trading_accounts
            ADD CONSTRAINT chk_trading_accounts_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.trading_accounts'::regclass AND conname = 'fk_trading_accounts_tenant') THEN
        ALTER TABLE trading_accounts
            ADD CONSTRAINT fk_trading_accounts_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE NOT VALID;
    END IF;
END
$$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.trades'::regclass
                   AND conname = 'chk_trades_tenant_id_not_null')
       AND NOT (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.trades'::regclass AND attname = 'tenant_id') THEN
        ALTER TABLE trades
            ADD CONSTRAINT chk_trades_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.trades'::regclass AND conname = 'fk_trades_tenant') THEN
        ALTER TABLE trades
            ADD CONSTRAINT fk_trades_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE NOT VALID;
    END IF;
END
$$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.positions'::regclass
                   AND conname = 'chk_positions_tenant_id_not_null')
       AND NOT (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.positions'::regclass AND attname = 'tenant_id') THEN
        ALTER TABLE positions
            ADD CONSTRAINT chk_positions_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.positions'::regclass AND conname = 'fk_positions_tenant') THEN
        ALTER TABLE positions
            ADD CONSTRAINT fk_positions_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE NOT VALID;
    END IF;
END
$$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.portfolio_snapshots'::regclass
                   AND conname = 'chk_portfolio_snapshots_tenant_id_not_null')
       AND NOT (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.portfolio_snapshots'::regclass AND attname = 'tenant_id') THEN
        ALTER TABLE portfolio_snapshots
            ADD CONSTRAINT chk_portfolio_snapshots_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.portfolio_snapshots'::regclass AND conname = 'fk_portfolio_snapshots_tenant') THEN
        ALTER TABLE portfolio_snapshots
            ADD CONSTRAINT fk_portfolio_snapshots_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE NOT VALID;
    END IF;
END
$$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.risk_metrics'::regclass
                   AND conname = 'chk_risk_metrics_tenant_id_not_null')
       AND NOT (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.risk_metrics'::regclass AND attname = 'tenant_id') THEN
        ALTER TABLE risk_metrics
            ADD CONSTRAINT chk_risk_metrics_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.risk_metrics'::regclass AND conname = 'fk_risk_metrics_tenant') THEN
        ALTER TABLE risk_metrics
            ADD CONSTRAINT fk_risk_metrics_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE NOT VALID;
    END IF;
END
$$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.agent_signals'::regclass
                   AND conname = 'chk_agent_signals_tenant_id_not_null')
       AND NOT (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.agent_signals'::regclass AND attname = 'tenant_id') THEN
        ALTER TABLE agent_signals
            ADD CONSTRAINT chk_agent_signals_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.agent_signals'::regclass AND conname = 'fk_agent_signals_tenant') THEN
        ALTER TABLE agent_signals
            ADD CONSTRAINT fk_agent_signals_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE NOT VALID;
    END IF;
END
$$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.audit_logs'::regclass
                   AND conname = 'chk_audit_logs_tenant_id_not_null')
       AND NOT (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.audit_logs'::regclass AND attname = 'tenant_id') THEN
        ALTER TABLE audit_logs
            ADD CONSTRAINT chk_audit_logs_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.audit_logs'::regclass AND conname = 'fk_audit_logs_tenant') THEN
        ALTER TABLE audit_logs
            ADD CONSTRAINT fk_audit_logs_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE NOT VALID;
    END IF;
END
$$;

-- 2. backfill
-- alphapulse:batch
UPDATE trades AS c
   SET tenant_id = ta.tenant_id
  FROM trading_accounts AS ta
 WHERE ta.id = c.account_id
   AND c.tenant_id IS NULL;

-- alphapulse:batch
UPDATE positions AS c
   SET tenant_id = ta.tenant_id
  FROM trading_accounts AS ta
 WHERE ta.id = c.account_id
   AND c.tenant_id IS NULL;

-- alphapulse:batch
UPDATE portfolio_snapshots AS c
   SET tenant_id = ta.tenant_id
  FROM trading_accounts AS ta
 WHERE ta.id = c.account_id
   AND c.tenant_id IS NULL;

-- alphapulse:batch
UPDATE risk_metrics AS c
   SET tenant_id = ta.tenant_id
  FROM trading_accounts AS ta
 WHERE ta.id = c.account_id
   AND c.tenant_id IS NULL;

-- alphapulse:batch
UPDATE audit_logs AS a
   SET tenant_id = u.tenant_id
  FROM users AS u
 WHERE u.id = a.user_id
   AND a.tenant_id IS NULL;

-- System events have no user; they belong to the default tenant.
-- alphapulse:batch
UPDATE audit_logs AS a
   SET tenant_id = '00000000-0000-0000-0000-000000000001'
 WHERE a.user_id IS NULL
   AND a.tenant_id IS NULL;

-- 3. contract
-- trading_accounts
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.trading_accounts'::regclass
               AND conname = 'chk_trading_accounts_tenant_id_not_null') THEN
        ALTER TABLE trading_accounts VALIDATE CONSTRAINT chk_trading_accounts_tenant_id_not_null;
    END IF;
END
$$;
ALTER TABLE trading_accounts ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE trading_accounts DROP CONSTRAINT IF EXISTS chk_trading_accounts_tenant_id_not_null;
ALTER TABLE trading_accounts VALIDATE CONSTRAINT fk_trading_accounts_tenant;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_trading_accounts_tenant_id ON trading_accounts (tenant_id);

-- trades
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.trades'::regclass
               AND conname = 'chk_trades_tenant_id_not_null') THEN
        ALTER TABLE trades VALIDATE CONSTRAINT chk_trades_tenant_id_not_null;
    END IF;
END
$$;
ALTER TABLE trades ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE trades DROP CONSTRAINT IF EXISTS chk_trades_tenant_id_not_null;
ALTER TABLE trades VALIDATE CONSTRAINT fk_trades_tenant;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_trades_tenant_id ON trades (tenant_id);

-- positions
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.positions'::regclass
               AND conname = 'chk_positions_tenant_id_not_null') THEN
        ALTER TABLE positions VALIDATE CONSTRAINT chk_positions_tenant_id_not_null;
    END IF;
END
$$;
ALTER TABLE positions ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE positions DROP CONSTRAINT IF EXISTS chk_positions_tenant_id_not_null;
ALTER TABLE positions VALIDATE CONSTRAINT fk_positions_tenant;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_positions_tenant_id ON positions (tenant_id);

-- portfolio_snapshots
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.portfolio_snapshots'::regclass
               AND conname = 'chk_portfolio_snapshots_tenant_id_not_null') THEN
        ALTER TABLE portfolio_snapshots VALIDATE CONSTRAINT chk_portfolio_snapshots_tenant_id_not_null;
    END IF;
END
$$;
ALTER TABLE portfolio_snapshots ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE portfolio_snapshots DROP CONSTRAINT IF EXISTS chk_portfolio_snapshots_tenant_id_not_null;
ALTER TABLE portfolio_snapshots VALIDATE CONSTRAINT fk_portfolio_snapshots_tenant;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_portfolio_snapshots_tenant_id ON portfolio_snapshots (tenant_id);

-- risk_metrics
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.risk_metrics'::regclass
               AND conname = 'chk_risk_metrics_tenant_id_not_null') THEN
        ALTER TABLE risk_metrics VALIDATE CONSTRAINT chk_risk_metrics_tenant_id_not_null;
    END IF;
END
$$;
ALTER TABLE risk_metrics ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE risk_metrics DROP CONSTRAINT IF EXISTS chk_risk_metrics_tenant_id_not_null;
ALTER TABLE risk_metrics VALIDATE CONSTRAINT fk_risk_metrics_tenant;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_risk_metrics_tenant_id ON risk_metrics (tenant_id);

-- agent_signals
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.agent_signals'::regclass
               AND conname = 'chk_agent_signals_tenant_id_not_null') THEN
        ALTER TABLE agent_signals VALIDATE CONSTRAINT chk_agent_signals_tenant_id_not_null;
    END IF;
END
$$;
ALTER TABLE agent_signals ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE agent_signals DROP CONSTRAINT IF EXISTS chk_agent_signals_tenant_id_not_null;
ALTER TABLE agent_signals VALIDATE CONSTRAINT fk_agent_signals_tenant;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_agent_signals_tenant_id ON agent_signals (tenant_id);

-- audit_logs
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.audit_logs'::regclass
               AND conname = 'chk_audit_logs_tenant_id_not_null') THEN
        ALTER TABLE audit_logs VALIDATE CONSTRAINT chk_audit_logs_tenant_id_not_null;
    END IF;
END
$$;
ALTER TABLE audit_logs ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE audit_logs DROP CONSTRAINT IF EXISTS chk_audit_logs_tenant_id_not_null;
ALTER TABLE audit_logs VALIDATE CONSTRAINT fk_audit_logs_tenant;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_audit_logs_tenant_id ON audit_logs (tenant_id);

-- the transition is over
ALTER TABLE trading_accounts ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE agent_signals ALTER COLUMN tenant_id DROP DEFAULT;
DROP TRIGGER IF EXISTS alphapulse_v007_trades_tenant ON trades;
DROP TRIGGER IF EXISTS alphapulse_v007_positions_tenant ON positions;
DROP TRIGGER IF EXISTS alphapulse_v007_portfolio_snapshots_tenant ON portfolio_snapshots;
DROP TRIGGER IF EXISTS alphapulse_v007_risk_metrics_tenant ON risk_metrics;
DROP TRIGGER IF EXISTS alphapulse_v007_audit_logs_tenant ON audit_logs;
DROP FUNCTION IF EXISTS alphapulse_v007_tenant_from_account();
DROP FUNCTION IF EXISTS alphapulse_v007_tenant_from_user();
