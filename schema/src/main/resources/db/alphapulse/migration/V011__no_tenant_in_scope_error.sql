-- V011: no tenant in scope is an explicit error. Under 008's policies an unscoped
-- query returned zero rows on a fresh connection and failed with 22P02 on a
-- pooled one that had run a scoped transaction before (PostgreSQL keeps an
-- empty string after a transaction-local setting). From 011 on every policy
-- reads the tenant through alphapulse_current_tenant(), which fails the same
-- way on both (SQLSTATE AP001). Superusers and BYPASSRLS roles never evaluate
-- policies, so admin work is unaffected.
-- Each tenant table's tenant_id defaults to the tenant in scope: an insert in
-- a scope need not name it, one outside a scope fails with the same error (an
-- insert that names tenant_id never evaluates the default).
-- Catalog only, so transactional: the engine takes every table's lock before
-- the first statement.
-- Undo (U011) data-loss risk: NONE.

-- LOCAL: the setting ends with the migration's transaction instead of staying on a pooled connection
SET LOCAL lock_timeout = '5s';

-- STABLE: the setting does not change within a statement. Policies call it as
-- an uncorrelated subquery, an initplan evaluated once per statement, so RLS
-- costs what the cast of 008 cost. The fixed search_path keeps a caller's
-- search_path from substituting another current_setting.
CREATE OR REPLACE FUNCTION public.alphapulse_current_tenant() RETURNS uuid
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tenant text := pg_catalog.current_setting('app.current_tenant_id', true);
BEGIN
    IF tenant IS NULL OR tenant = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'AP001', MESSAGE = 'no tenant in scope: set app.current_tenant_id';
    END IF;
    RETURN tenant::uuid;
END
$$;
GRANT EXECUTE ON FUNCTION public.alphapulse_current_tenant() TO PUBLIC;

-- users
ALTER POLICY users_tenant_isolation_select ON users
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY users_tenant_isolation_insert ON users
    WITH CHECK (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY users_tenant_isolation_update ON users
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()))
    WITH CHECK (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY users_tenant_isolation_delete ON users
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER TABLE users ALTER COLUMN tenant_id SET DEFAULT public.alphapulse_current_tenant();

-- trading_accounts
ALTER POLICY trading_accounts_tenant_isolation_select ON trading_accounts
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY trading_accounts_tenant_isolation_insert ON trading_accounts
    WITH CHECK (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY trading_accounts_tenant_isolation_update ON trading_accounts
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()))
    WITH CHECK (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY trading_accounts_tenant_isolation_delete ON trading_accounts
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER TABLE trading_accounts ALTER COLUMN tenant_id SET DEFAULT public.alphapulse_current_tenant();

-- trades
ALTER POLICY trades_tenant_isolation_select ON trades
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY trades_tenant_isolation_insert ON trades
    WITH CHECK (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY trades_tenant_isolation_update ON trades
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()))
    WITH CHECK (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY trades_tenant_isolation_delete ON trades
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER TABLE trades ALTER COLUMN tenant_id SET DEFAULT public.alphapulse_current_tenant();

-- positions
ALTER POLICY positions_tenant_isolation_select ON positions
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY positions_tenant_isolation_insert ON positions
    WITH CHECK (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY positions_tenant_isolation_update ON positions
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()))
    WITH CHECK (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY positions_tenant_isolation_delete ON positions
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER TABLE positions ALTER COLUMN tenant_id SET DEFAULT public.alphapulse_current_tenant();

-- portfolio_snapshots
ALTER POLICY portfolio_snapshots_tenant_isolation_select ON portfolio_snapshots
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY portfolio_snapshots_tenant_isolation_insert ON portfolio_snapshots
    WITH CHECK (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY portfolio_snapshots_tenant_isolation_update ON portfolio_snapshots
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()))
    WITH CHECK (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY portfolio_snapshots_tenant_isolation_delete ON portfolio_snapshots
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER TABLE portfolio_snapshots ALTER COLUMN tenant_id SET DEFAULT public.alphapulse_current_tenant();

-- risk_metrics
ALTER POLICY risk_metrics_tenant_isolation_select ON risk_metrics
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY risk_metrics_tenant_isolation_insert ON risk_metrics
    WITH CHECK (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY risk_metrics_tenant_isolation_update ON risk_metrics
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()))
    WITH CHECK (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY risk_metrics_tenant_isolation_delete ON risk_metrics
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER TABLE risk_metrics ALTER COLUMN tenant_id SET DEFAULT public.alphapulse_current_tenant();

-- agent_signals
ALTER POLICY agent_signals_tenant_isolation_select ON agent_signals
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY agent_signals_tenant_isolation_insert ON agent_signals
    WITH CHECK (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY agent_signals_tenant_isolation_update ON agent_signals
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()))
    WITH CHECK (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY agent_signals_tenant_isolation_delete ON agent_signals
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER TABLE agent_signals ALTER COLUMN tenant_id SET DEFAULT public.alphapulse_current_tenant();

-- audit_logs
ALTER POLICY audit_logs_tenant_isolation_select ON audit_logs
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY audit_logs_tenant_isolation_insert ON audit_logs
    WITH CHECK (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY audit_logs_tenant_isolation_update ON audit_logs
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()))
    WITH CHECK (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER POLICY audit_logs_tenant_isolation_delete ON audit_logs
    USING (tenant_id = (SELECT public.alphapulse_current_tenant()));
ALTER TABLE audit_logs ALTER COLUMN tenant_id SET DEFAULT public.alphapulse_current_tenant();
