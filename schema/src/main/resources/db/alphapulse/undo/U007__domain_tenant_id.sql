-- U007: version 007 -> version 006.
-- Data-loss risk: MEDIUM - tenant_id values of the seven domain tables are
-- lost; re-applying V007 re-derives them from accounts/users, which is only
-- right while every account still belongs to the default tenant.
-- Dropping a column fails while an RLS policy (V008) still references it,
-- which is the intended guard against skipping U008.

-- Locks first, children before parents, in the order the application takes
-- them: a transaction that inserts a trade holds ROW EXCLUSIVE on trades and
-- then, through the foreign keys, key-share locks its account (and, from 007
-- on, its tenant). Taking a parent first and a child later would let such a
-- transaction sit between the two and deadlock with this script.
-- tenants last: dropping the tenant foreign keys locks it too.
LOCK TABLE trades, positions, portfolio_snapshots, risk_metrics, agent_signals, audit_logs,
    trading_accounts, tenants
    IN ACCESS EXCLUSIVE MODE;

DROP INDEX IF EXISTS idx_audit_logs_tenant_id;
ALTER TABLE audit_logs DROP CONSTRAINT IF EXISTS fk_audit_logs_tenant;
ALTER TABLE audit_logs DROP COLUMN IF EXISTS tenant_id;

DROP INDEX IF EXISTS idx_agent_signals_tenant_id;
ALTER TABLE agent_signals DROP CONSTRAINT IF EXISTS fk_agent_signals_tenant;
ALTER TABLE agent_signals DROP COLUMN IF EXISTS tenant_id;

DROP INDEX IF EXISTS idx_risk_metrics_tenant_id;
ALTER TABLE risk_metrics DROP CONSTRAINT IF EXISTS fk_risk_metrics_tenant;
ALTER TABLE risk_metrics DROP COLUMN IF EXISTS tenant_id;

DROP INDEX IF EXISTS idx_portfolio_snapshots_tenant_id;
ALTER TABLE portfolio_snapshots DROP CONSTRAINT IF EXISTS fk_portfolio_snapshots_tenant;
ALTER TABLE portfolio_snapshots DROP COLUMN IF EXISTS tenant_id;

DROP INDEX IF EXISTS idx_positions_tenant_id;
ALTER TABLE positions DROP CONSTRAINT IF EXISTS fk_positions_tenant;
ALTER TABLE positions DROP COLUMN IF EXISTS tenant_id;

DROP INDEX IF EXISTS idx_trades_tenant_id;
ALTER TABLE trades DROP CONSTRAINT IF EXISTS fk_trades_tenant;
ALTER TABLE trades DROP COLUMN IF EXISTS tenant_id;

DROP INDEX IF EXISTS idx_trading_accounts_tenant_id;
ALTER TABLE trading_accounts DROP CONSTRAINT IF EXISTS fk_trading_accounts_tenant;
ALTER TABLE trading_accounts DROP COLUMN IF EXISTS tenant_id;
