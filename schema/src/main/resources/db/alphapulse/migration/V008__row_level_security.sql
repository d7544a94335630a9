-- V008: Row-Level Security on the eight tenant tables.
-- FORCE is needed because ENABLE alone exempts the table owner, and the owner
-- is the role that migrations (and often the application) connect as.
-- Policies are TO PUBLIC and read the tenant from the session setting
-- app.current_tenant_id. On a session that never set it, current_setting(...,
-- true) yields NULL and an unscoped query sees and writes nothing. Once a
-- session has set it transaction-locally, PostgreSQL keeps an empty string
-- after the transaction, and ''::uuid makes an unscoped query fail (22P02):
-- either way no tenant's rows are visible without a tenant set.
-- rls_bypass_role is for admin/maintenance work across tenants. Roles are
-- cluster-wide: another database on the same server may already have created
-- it, or be creating it at this very moment, so creation tolerates both.
-- Undo (U008) data-loss risk: NONE, but SECURITY - once undone, every query
-- sees every tenant's rows.

-- LOCAL: the setting ends with the migration's transaction instead of staying on a pooled connection
SET LOCAL lock_timeout = '5s';

-- users
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY users_tenant_isolation_select ON users
    FOR SELECT TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY users_tenant_isolation_insert ON users
    FOR INSERT TO PUBLIC
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY users_tenant_isolation_update ON users
    FOR UPDATE TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid)
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY users_tenant_isolation_delete ON users
    FOR DELETE TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);

-- trading_accounts
ALTER TABLE trading_accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE trading_accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY trading_accounts_tenant_isolation_select ON trading_accounts
    FOR SELECT TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY trading_accounts_tenant_isolation_insert ON trading_accounts
    FOR INSERT TO PUBLIC
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY trading_accounts_tenant_isolation_update ON trading_accounts
    FOR UPDATE TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid)
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY trading_accounts_tenant_isolation_delete ON trading_accounts
    FOR DELETE TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);

-- trades
ALTER TABLE trades ENABLE ROW LEVEL SECURITY;
ALTER TABLE trades FORCE ROW LEVEL SECURITY;
CREATE POLICY trades_tenant_isolation_select ON trades
    FOR SELECT TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY trades_tenant_isolation_insert ON trades
    FOR INSERT TO PUBLIC
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY trades_tenant_isolation_update ON trades
    FOR UPDATE TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid)
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY trades_tenant_isolation_delete ON trades
    FOR DELETE TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);

-- positions
ALTER TABLE positions ENABLE ROW LEVEL SECURITY;
ALTER TABLE positions FORCE ROW LEVEL SECURITY;
CREATE POLICY positions_tenant_isolation_select ON positions
    FOR SELECT TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY positions_tenant_isolation_insert ON positions
    FOR INSERT TO PUBLIC
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY positions_tenant_isolation_update ON positions
    FOR UPDATE TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid)
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY positions_tenant_isolation_delete ON positions
    FOR DELETE TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);

-- portfolio_snapshots
ALTER TABLE portfolio_snapshots ENABLE ROW LEVEL SECURITY;
ALTER TABLE portfolio_snapshots FORCE ROW LEVEL SECURITY;
CREATE POLICY portfolio_snapshots_tenant_isolation_select ON portfolio_snapshots
    FOR SELECT TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY portfolio_snapshots_tenant_isolation_insert ON portfolio_snapshots
    FOR INSERT TO PUBLIC
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY portfolio_snapshots_tenant_isolation_update ON portfolio_snapshots
    FOR UPDATE TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid)
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY portfolio_snapshots_tenant_isolation_delete ON portfolio_snapshots
    FOR DELETE TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);

-- risk_metrics
ALTER TABLE risk_metrics ENABLE ROW LEVEL SECURITY;
ALTER TABLE risk_metrics FORCE ROW LEVEL SECURITY;
CREATE POLICY risk_metrics_tenant_isolation_select ON risk_metrics
    FOR SELECT TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY risk_metrics_tenant_isolation_insert ON risk_metrics
    FOR INSERT TO PUBLIC
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY risk_metrics_tenant_isolation_update ON risk_metrics
    FOR UPDATE TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid)
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY risk_metrics_tenant_isolation_delete ON risk_metrics
    FOR DELETE TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);

-- agent_signals
ALTER TABLE agent_signals ENABLE ROW LEVEL SECURITY;
ALTER TABLE agent_signals FORCE ROW LEVEL SECURITY;
CREATE POLICY agent_signals_tenant_isolation_select ON agent_signals
    FOR SELECT TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY agent_signals_tenant_isolation_insert ON agent_signals
    FOR INSERT TO PUBLIC
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY agent_signals_tenant_isolation_update ON agent_signals
    FOR UPDATE TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid)
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY agent_signals_tenant_isolation_delete ON agent_signals
    FOR DELETE TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);

-- audit_logs
ALTER TABLE audit_logs ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_logs FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_logs_tenant_isolation_select ON audit_logs
    FOR SELECT TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY audit_logs_tenant_isolation_insert ON audit_logs
    FOR INSERT TO PUBLIC
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY audit_logs_tenant_isolation_update ON audit_logs
    FOR UPDATE TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid)
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
CREATE POLICY audit_logs_tenant_isolation_delete ON audit_logs
    FOR DELETE TO PUBLIC
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);

-- The pg_roles check covers a role left by another database; the handler
-- covers two databases migrating concurrently, where the loser of the race
-- fails with duplicate_object or, when it blocked on the winner's uncommitted
-- pg_authid row, with unique_violation.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rls_bypass_role') THEN
        BEGIN
            CREATE ROLE rls_bypass_role NOLOGIN BYPASSRLS;
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN
                RAISE NOTICE 'rls_bypass_role was created concurrently, reusing it';
        END;
    END IF;
    -- a role of that name made by someone else must not be trusted blindly
    IF EXISTS (SELECT 1 FROM pg_roles
                WHERE rolname = 'rls_bypass_role' AND (rolcanlogin OR NOT rolbypassrls)) THEN
        RAISE EXCEPTION 'rls_bypass_role exists but is not NOLOGIN BYPASSRLS; fix or drop it before migrating to 008';
    END IF;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON
    users,
    trading_accounts,
    trades,
    positions,
    portfolio_snapshots,
    risk_metrics,
    agent_signals,
    audit_logs,
    tenants
TO rls_bypass_role;
