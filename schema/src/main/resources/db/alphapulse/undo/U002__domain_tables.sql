-- U002: version 002 -> version 001.
-- Data-loss risk: HIGH - every user, role, account, trade, position, snapshot,
-- risk metric, signal and audit log is dropped.
-- Children are dropped before parents and without CASCADE, so an unexpected
-- dependant (a view, a later-version FK) stops the undo instead of vanishing.

DROP TABLE IF EXISTS user_roles;
DROP TABLE IF EXISTS audit_logs;
DROP TABLE IF EXISTS agent_signals;
DROP TABLE IF EXISTS portfolio_snapshots;
DROP TABLE IF EXISTS risk_metrics;
DROP TABLE IF EXISTS trades;
DROP TABLE IF EXISTS positions;
DROP TABLE IF EXISTS trading_accounts;
DROP TABLE IF EXISTS roles;
DROP TABLE IF EXISTS users;
