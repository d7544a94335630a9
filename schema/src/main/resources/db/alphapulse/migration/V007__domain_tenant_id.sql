-- V007: tenant_id (NOT NULL, FK to tenants ON DELETE CASCADE, indexed) on the
-- seven domain tables.
-- trading_accounts is done first because trades, positions,
-- portfolio_snapshots and risk_metrics inherit their account's tenant; audit
-- logs inherit their user's tenant (users.tenant_id exists since V006).
-- Backfills are a constant DEFAULT (dropped at once) or plain UPDATEs: no row
-- is ever deleted. The rollback engine restores archived tenant_ids after this
-- script when the version is re-applied. Any row
-- the backfill cannot place makes VALIDATE of the NOT NULL check fail loudly
-- instead of being dropped or silently defaulted.
-- NOT NULL goes through a validated CHECK (lets SET NOT NULL skip its scan on
-- PostgreSQL 12+), FKs are added NOT VALID then validated; the columns keep no
-- DEFAULT so application inserts must name their tenant.
-- Undo (U007) data-loss risk: MEDIUM - tenant_id values of all seven tables
-- are lost.

-- LOCAL: the setting ends with the migration's transaction instead of staying on a pooled connection
SET LOCAL lock_timeout = '5s';

-- All seven tables are altered in this one transaction. Taking their locks up
-- front, children before their parent, keeps an application transaction that
-- writes a child (and then key-share locks its account) from deadlocking
-- with this script halfway through.
LOCK TABLE trades, positions, portfolio_snapshots, risk_metrics, audit_logs, agent_signals, trading_accounts
    IN ACCESS EXCLUSIVE MODE;

-- trading_accounts
-- constant backfill through a DEFAULT dropped at once: no table rewrite
ALTER TABLE trading_accounts ADD COLUMN tenant_id uuid DEFAULT '00000000-0000-0000-0000-000000000001';
ALTER TABLE trading_accounts ALTER COLUMN tenant_id DROP DEFAULT;

ALTER TABLE trading_accounts
    ADD CONSTRAINT chk_trading_accounts_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;
ALTER TABLE trading_accounts VALIDATE CONSTRAINT chk_trading_accounts_tenant_id_not_null;
ALTER TABLE trading_accounts ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE trading_accounts DROP CONSTRAINT chk_trading_accounts_tenant_id_not_null;

ALTER TABLE trading_accounts
    ADD CONSTRAINT fk_trading_accounts_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE trading_accounts VALIDATE CONSTRAINT fk_trading_accounts_tenant;

CREATE INDEX idx_trading_accounts_tenant_id ON trading_accounts (tenant_id);

-- trades
ALTER TABLE trades ADD COLUMN tenant_id uuid;

UPDATE trades AS c
   SET tenant_id = ta.tenant_id
  FROM trading_accounts AS ta
 WHERE ta.id = c.account_id
   AND c.tenant_id IS NULL;

ALTER TABLE trades
    ADD CONSTRAINT chk_trades_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;
ALTER TABLE trades VALIDATE CONSTRAINT chk_trades_tenant_id_not_null;
ALTER TABLE trades ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE trades DROP CONSTRAINT chk_trades_tenant_id_not_null;

ALTER TABLE trades
    ADD CONSTRAINT fk_trades_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE trades VALIDATE CONSTRAINT fk_trades_tenant;

CREATE INDEX idx_trades_tenant_id ON trades (tenant_id);

-- positions
ALTER TABLE positions ADD COLUMN tenant_id uuid;

UPDATE positions AS c
   SET tenant_id = ta.tenant_id
  FROM trading_accounts AS ta
 WHERE ta.id = c.account_id
   AND c.tenant_id IS NULL;

ALTER TABLE positions
    ADD CONSTRAINT chk_positions_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;
ALTER TABLE positions VALIDATE CONSTRAINT chk_positions_tenant_id_not_null;
ALTER TABLE positions ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE positions DROP CONSTRAINT chk_positions_tenant_id_not_null;

ALTER TABLE positions
    ADD CONSTRAINT fk_positions_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE positions VALIDATE CONSTRAINT fk_positions_tenant;

CREATE INDEX idx_positions_tenant_id ON positions (tenant_id);

-- portfolio_snapshots
ALTER TABLE portfolio_snapshots ADD COLUMN tenant_id uuid;

UPDATE portfolio_snapshots AS c
   SET tenant_id = ta.tenant_id
  FROM trading_accounts AS ta
 WHERE ta.id = c.account_id
   AND c.tenant_id IS NULL;

ALTER TABLE portfolio_snapshots
    ADD CONSTRAINT chk_portfolio_snapshots_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;
ALTER TABLE portfolio_snapshots VALIDATE CONSTRAINT chk_portfolio_snapshots_tenant_id_not_null;
ALTER TABLE portfolio_snapshots ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE portfolio_snapshots DROP CONSTRAINT chk_portfolio_snapshots_tenant_id_not_null;

ALTER TABLE portfolio_snapshots
    ADD CONSTRAINT fk_portfolio_snapshots_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE portfolio_snapshots VALIDATE CONSTRAINT fk_portfolio_snapshots_tenant;

CREATE INDEX idx_portfolio_snapshots_tenant_id ON portfolio_snapshots (tenant_id);

-- risk_metrics
ALTER TABLE risk_metrics ADD COLUMN tenant_id uuid;

UPDATE risk_metrics AS c
   SET tenant_id = ta.tenant_id
  FROM trading_accounts AS ta
 WHERE ta.id = c.account_id
   AND c.tenant_id IS NULL;

ALTER TABLE risk_metrics
    ADD CONSTRAINT chk_risk_metrics_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;
ALTER TABLE risk_metrics VALIDATE CONSTRAINT chk_risk_metrics_tenant_id_not_null;
ALTER TABLE risk_metrics ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE risk_metrics DROP CONSTRAINT chk_risk_metrics_tenant_id_not_null;

ALTER TABLE risk_metrics
    ADD CONSTRAINT fk_risk_metrics_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE risk_metrics VALIDATE CONSTRAINT fk_risk_metrics_tenant;

CREATE INDEX idx_risk_metrics_tenant_id ON risk_metrics (tenant_id);

-- agent_signals
-- constant backfill through a DEFAULT dropped at once: no table rewrite
ALTER TABLE agent_signals ADD COLUMN tenant_id uuid DEFAULT '00000000-0000-0000-0000-000000000001';
ALTER TABLE agent_signals ALTER COLUMN tenant_id DROP DEFAULT;

ALTER TABLE agent_signals
    ADD CONSTRAINT chk_agent_signals_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;
ALTER TABLE agent_signals VALIDATE CONSTRAINT chk_agent_signals_tenant_id_not_null;
ALTER TABLE agent_signals ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE agent_signals DROP CONSTRAINT chk_agent_signals_tenant_id_not_null;

ALTER TABLE agent_signals
    ADD CONSTRAINT fk_agent_signals_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE agent_signals VALIDATE CONSTRAINT fk_agent_signals_tenant;

CREATE INDEX idx_agent_signals_tenant_id ON agent_signals (tenant_id);

-- audit_logs
ALTER TABLE audit_logs ADD COLUMN tenant_id uuid;

UPDATE audit_logs AS a
   SET tenant_id = u.tenant_id
  FROM users AS u
 WHERE u.id = a.user_id
   AND a.tenant_id IS NULL;
-- System events have no user; they belong to the default tenant.
UPDATE audit_logs
   SET tenant_id = '00000000-0000-0000-0000-000000000001'
 WHERE user_id IS NULL
   AND tenant_id IS NULL;

ALTER TABLE audit_logs
    ADD CONSTRAINT chk_audit_logs_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;
ALTER TABLE audit_logs VALIDATE CONSTRAINT chk_audit_logs_tenant_id_not_null;
ALTER TABLE audit_logs ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE audit_logs DROP CONSTRAINT chk_audit_logs_tenant_id_not_null;

ALTER TABLE audit_logs
    ADD CONSTRAINT fk_audit_logs_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE audit_logs VALIDATE CONSTRAINT fk_audit_logs_tenant;

CREATE INDEX idx_audit_logs_tenant_id ON audit_logs (tenant_id);
