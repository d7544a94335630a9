-- U009: version 009 -> version 008.
-- Data-loss risk: NONE - indexes only.
-- lock_timeout and statement_timeout are set by the rollback engine, per run.
-- Plain DROP INDEX, not CONCURRENTLY: the undo engine runs this inside one
-- transaction, where CONCURRENTLY is not allowed. IF EXISTS also clears what
-- an interrupted V009 left behind.

-- Locks first, children before parents, in the order the application takes
-- them: a transaction that inserts a trade holds ROW EXCLUSIVE on trades and
-- then, through the foreign keys, key-share locks its account (and, from 007
-- on, its tenant). Taking a parent first and a child later would let such a
-- transaction sit between the two and deadlock with this script.
LOCK TABLE trades, positions, portfolio_snapshots, risk_metrics, agent_signals, audit_logs,
    trading_accounts, users
    IN ACCESS EXCLUSIVE MODE;

DROP INDEX IF EXISTS idx_users_tenant_id_compound;
DROP INDEX IF EXISTS idx_users_tenant_created_compound;
DROP INDEX IF EXISTS idx_trading_accounts_tenant_id_compound;
DROP INDEX IF EXISTS idx_trading_accounts_tenant_created_compound;
DROP INDEX IF EXISTS idx_trades_tenant_id_compound;
DROP INDEX IF EXISTS idx_trades_tenant_created_compound;
DROP INDEX IF EXISTS idx_positions_tenant_id_compound;
DROP INDEX IF EXISTS idx_positions_tenant_created_compound;
DROP INDEX IF EXISTS idx_portfolio_snapshots_tenant_id_compound;
DROP INDEX IF EXISTS idx_portfolio_snapshots_tenant_created_compound;
DROP INDEX IF EXISTS idx_risk_metrics_tenant_id_compound;
DROP INDEX IF EXISTS idx_risk_metrics_tenant_created_compound;
DROP INDEX IF EXISTS idx_agent_signals_tenant_id_compound;
DROP INDEX IF EXISTS idx_agent_signals_tenant_created_compound;
DROP INDEX IF EXISTS idx_audit_logs_tenant_id_compound;
DROP INDEX IF EXISTS idx_audit_logs_tenant_created_compound;
