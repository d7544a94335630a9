-- Test-only stand-in for AlphaPulse 010 (tenant-safe keys, /work/shared/spec/schema.md): what the tenancy key
-- rules need to see a later version fix 009's single-column foreign keys and global unique keys.
ALTER TABLE trading_accounts ADD CONSTRAINT uq_trading_accounts_tenant_id_id UNIQUE (tenant_id, id);
ALTER TABLE positions ADD CONSTRAINT uq_positions_tenant_id_id UNIQUE (tenant_id, id);
ALTER TABLE users ADD CONSTRAINT uq_users_tenant_id_id UNIQUE (tenant_id, id);

ALTER TABLE trades DROP CONSTRAINT fk_trades_account_id,
    ADD CONSTRAINT fk_trades_trading_accounts_tenant FOREIGN KEY (tenant_id, account_id) REFERENCES trading_accounts (tenant_id, id);
ALTER TABLE trades DROP CONSTRAINT fk_trades_position_id,
    ADD CONSTRAINT fk_trades_positions_tenant FOREIGN KEY (tenant_id, position_id) REFERENCES positions (tenant_id, id);
ALTER TABLE positions DROP CONSTRAINT fk_positions_account_id,
    ADD CONSTRAINT fk_positions_trading_accounts_tenant FOREIGN KEY (tenant_id, account_id) REFERENCES trading_accounts (tenant_id, id);
ALTER TABLE portfolio_snapshots DROP CONSTRAINT fk_portfolio_snapshots_account_id,
    ADD CONSTRAINT fk_portfolio_snapshots_trading_accounts_tenant FOREIGN KEY (tenant_id, account_id) REFERENCES trading_accounts (tenant_id, id);
ALTER TABLE risk_metrics DROP CONSTRAINT fk_risk_metrics_account_id,
    ADD CONSTRAINT fk_risk_metrics_trading_accounts_tenant FOREIGN KEY (tenant_id, account_id) REFERENCES trading_accounts (tenant_id, id);
ALTER TABLE audit_logs DROP CONSTRAINT fk_audit_logs_user_id,
    ADD CONSTRAINT fk_audit_logs_users_tenant FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id);

ALTER TABLE trading_accounts DROP CONSTRAINT uq_trading_accounts_account_id,
    ADD CONSTRAINT uq_trading_accounts_tenant_account_id UNIQUE (tenant_id, account_id);
ALTER TABLE positions DROP CONSTRAINT uq_positions_position_id,
    ADD CONSTRAINT uq_positions_tenant_position_id UNIQUE (tenant_id, position_id);
ALTER TABLE trades DROP CONSTRAINT uq_trades_trade_id,
    ADD CONSTRAINT uq_trades_tenant_trade_id UNIQUE (tenant_id, trade_id);
ALTER TABLE users DROP CONSTRAINT uq_users_username,
    ADD CONSTRAINT uq_users_tenant_username UNIQUE (tenant_id, username);
