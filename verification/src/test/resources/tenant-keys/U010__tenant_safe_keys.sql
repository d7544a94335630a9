-- Undo of the test-only 010: 009's single-column foreign keys and global unique keys.
ALTER TABLE users DROP CONSTRAINT uq_users_tenant_username, ADD CONSTRAINT uq_users_username UNIQUE (username);
ALTER TABLE trades DROP CONSTRAINT uq_trades_tenant_trade_id, ADD CONSTRAINT uq_trades_trade_id UNIQUE (trade_id);
ALTER TABLE positions DROP CONSTRAINT uq_positions_tenant_position_id, ADD CONSTRAINT uq_positions_position_id UNIQUE (position_id);
ALTER TABLE trading_accounts DROP CONSTRAINT uq_trading_accounts_tenant_account_id,
    ADD CONSTRAINT uq_trading_accounts_account_id UNIQUE (account_id);
ALTER TABLE audit_logs DROP CONSTRAINT fk_audit_logs_users_tenant,
    ADD CONSTRAINT fk_audit_logs_user_id FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE risk_metrics DROP CONSTRAINT fk_risk_metrics_trading_accounts_tenant,
    ADD CONSTRAINT fk_risk_metrics_account_id FOREIGN KEY (account_id) REFERENCES trading_accounts (id);
ALTER TABLE portfolio_snapshots DROP CONSTRAINT fk_portfolio_snapshots_trading_accounts_tenant,
    ADD CONSTRAINT fk_portfolio_snapshots_account_id FOREIGN KEY (account_id) REFERENCES trading_accounts (id);
ALTER TABLE positions DROP CONSTRAINT fk_positions_trading_accounts_tenant,
    ADD CONSTRAINT fk_positions_account_id FOREIGN KEY (account_id) REFERENCES trading_accounts (id);
ALTER TABLE trades DROP CONSTRAINT fk_trades_positions_tenant,
    ADD CONSTRAINT fk_trades_position_id FOREIGN KEY (position_id) REFERENCES positions (id);
ALTER TABLE trades DROP CONSTRAINT fk_trades_trading_accounts_tenant,
    ADD CONSTRAINT fk_trades_account_id FOREIGN KEY (account_id) REFERENCES trading_accounts (id);
ALTER TABLE users DROP CONSTRAINT uq_users_tenant_id_id;
ALTER TABLE positions DROP CONSTRAINT uq_positions_tenant_id_id;
ALTER TABLE trading_accounts DROP CONSTRAINT uq_trading_accounts_tenant_id_id;
