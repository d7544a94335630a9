-- V009: 16 composite indexes for tenant-scoped lookups and "latest first"
-- listings, two per tenant table.
-- Built CONCURRENTLY so writes keep flowing on a live database; that cannot
-- run inside a transaction, hence V009__composite_indexes.sql.conf sets
-- executeInTransaction=false.
-- No IF NOT EXISTS on purpose: a build interrupted midway (including by the
-- lock_timeout below while waiting out older transactions) leaves an INVALID
-- index behind, and a re-run must fail with "already exists" so the repair
-- command drops it rather than a broken index being silently accepted.
-- Flyway must run with flyway.postgresql.transactional.lock=false: with the
-- default transactional advisory lock Flyway keeps a transaction open on a
-- second connection, CONCURRENTLY waits for it to end, and the build either
-- hangs or hits lock_timeout (flyway/flyway#3682; reproduced on 13.12.0).
-- Undo (U009) data-loss risk: NONE - indexes only.

-- CONCURRENTLY takes only SHARE UPDATE EXCLUSIVE, which blocks no reads or writes, but it waits for every
-- older transaction to end, and lock_timeout bounds those waits too: a short value would leave an INVALID
-- index behind whenever a report runs longer than it. Ten minutes bounds a stuck build without that.
SET lock_timeout = '10min';

CREATE INDEX CONCURRENTLY idx_users_tenant_id_compound
    ON users (tenant_id, id);
CREATE INDEX CONCURRENTLY idx_users_tenant_created_compound
    ON users (tenant_id, created_at DESC);

CREATE INDEX CONCURRENTLY idx_trading_accounts_tenant_id_compound
    ON trading_accounts (tenant_id, id);
CREATE INDEX CONCURRENTLY idx_trading_accounts_tenant_created_compound
    ON trading_accounts (tenant_id, created_at DESC);

CREATE INDEX CONCURRENTLY idx_trades_tenant_id_compound
    ON trades (tenant_id, id);
CREATE INDEX CONCURRENTLY idx_trades_tenant_created_compound
    ON trades (tenant_id, created_at DESC);

CREATE INDEX CONCURRENTLY idx_positions_tenant_id_compound
    ON positions (tenant_id, id);
CREATE INDEX CONCURRENTLY idx_positions_tenant_created_compound
    ON positions (tenant_id, opened_at DESC);

CREATE INDEX CONCURRENTLY idx_portfolio_snapshots_tenant_id_compound
    ON portfolio_snapshots (tenant_id, id);
CREATE INDEX CONCURRENTLY idx_portfolio_snapshots_tenant_created_compound
    ON portfolio_snapshots (tenant_id, snapshot_time DESC);

CREATE INDEX CONCURRENTLY idx_risk_metrics_tenant_id_compound
    ON risk_metrics (tenant_id, id);
CREATE INDEX CONCURRENTLY idx_risk_metrics_tenant_created_compound
    ON risk_metrics (tenant_id, calculated_at DESC);

CREATE INDEX CONCURRENTLY idx_agent_signals_tenant_id_compound
    ON agent_signals (tenant_id, id);
CREATE INDEX CONCURRENTLY idx_agent_signals_tenant_created_compound
    ON agent_signals (tenant_id, created_at DESC);

CREATE INDEX CONCURRENTLY idx_audit_logs_tenant_id_compound
    ON audit_logs (tenant_id, id);
CREATE INDEX CONCURRENTLY idx_audit_logs_tenant_created_compound
    ON audit_logs (tenant_id, created_at DESC);

-- This script runs outside a transaction, so the setting would otherwise outlive it on the connection.
RESET lock_timeout;
