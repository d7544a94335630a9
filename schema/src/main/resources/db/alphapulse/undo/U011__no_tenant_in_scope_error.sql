-- U011: version 011 -> version 010.
-- Data-loss risk: NONE - policy expressions, column defaults and one function.
-- Afterwards an unscoped query returns zero rows on a fresh connection and fails
-- with 22P02 on a reused one again (008's behaviour), and an insert must name
-- its tenant_id.

-- Locks first, children before parents (see U008).
LOCK TABLE trades, positions, portfolio_snapshots, risk_metrics, agent_signals, audit_logs,
    trading_accounts, users
    IN ACCESS EXCLUSIVE MODE;

-- users: 008's expressions, verbatim
ALTER POLICY users_tenant_isolation_select ON users
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY users_tenant_isolation_insert ON users
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY users_tenant_isolation_update ON users
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid)
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY users_tenant_isolation_delete ON users
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER TABLE users ALTER COLUMN tenant_id DROP DEFAULT;

-- trading_accounts: 008's expressions, verbatim
ALTER POLICY trading_accounts_tenant_isolation_select ON trading_accounts
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY trading_accounts_tenant_isolation_insert ON trading_accounts
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY trading_accounts_tenant_isolation_update ON trading_accounts
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid)
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY trading_accounts_tenant_isolation_delete ON trading_accounts
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER TABLE trading_accounts ALTER COLUMN tenant_id DROP DEFAULT;

-- trades: 008's expressions, verbatim
ALTER POLICY trades_tenant_isolation_select ON trades
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY trades_tenant_isolation_insert ON trades
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY trades_tenant_isolation_update ON trades
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid)
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY trades_tenant_isolation_delete ON trades
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER TABLE trades ALTER COLUMN tenant_id DROP DEFAULT;

-- positions: 008's expressions, verbatim
ALTER POLICY positions_tenant_isolation_select ON positions
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY positions_tenant_isolation_insert ON positions
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY positions_tenant_isolation_update ON positions
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid)
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY positions_tenant_isolation_delete ON positions
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER TABLE positions ALTER COLUMN tenant_id DROP DEFAULT;

-- portfolio_snapshots: 008's expressions, verbatim
ALTER POLICY portfolio_snapshots_tenant_isolation_select ON portfolio_snapshots
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY portfolio_snapshots_tenant_isolation_insert ON portfolio_snapshots
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY portfolio_snapshots_tenant_isolation_update ON portfolio_snapshots
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid)
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY portfolio_snapshots_tenant_isolation_delete ON portfolio_snapshots
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER TABLE portfolio_snapshots ALTER COLUMN tenant_id DROP DEFAULT;

-- risk_metrics: 008's expressions, verbatim
ALTER POLICY risk_metrics_tenant_isolation_select ON risk_metrics
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY risk_metrics_tenant_isolation_insert ON risk_metrics
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY risk_metrics_tenant_isolation_update ON risk_metrics
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid)
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY risk_metrics_tenant_isolation_delete ON risk_metrics
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER TABLE risk_metrics ALTER COLUMN tenant_id DROP DEFAULT;

-- agent_signals: 008's expressions, verbatim
ALTER POLICY agent_signals_tenant_isolation_select ON agent_signals
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY agent_signals_tenant_isolation_insert ON agent_signals
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY agent_signals_tenant_isolation_update ON agent_signals
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid)
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY agent_signals_tenant_isolation_delete ON agent_signals
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER TABLE agent_signals ALTER COLUMN tenant_id DROP DEFAULT;

-- audit_logs: 008's expressions, verbatim
ALTER POLICY audit_logs_tenant_isolation_select ON audit_logs
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY audit_logs_tenant_isolation_insert ON audit_logs
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY audit_logs_tenant_isolation_update ON audit_logs
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid)
    WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER POLICY audit_logs_tenant_isolation_delete ON audit_logs
    USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
ALTER TABLE audit_logs ALTER COLUMN tenant_id DROP DEFAULT;

-- Nothing depends on it any more: the policies and defaults above were its only users.
DROP FUNCTION IF EXISTS public.alphapulse_current_tenant();
