-- Application read: an account's latest 20 trades.
-- Only columns present at every schema version 002..head (no tenant_id), so
-- the same script runs before, during and after every phase.
-- :amin/:amax (the trading_accounts id range) are passed with pgbench -D.
\set aid random(:amin, :amax)
SELECT id, trade_id, symbol, side, quantity, price, executed_at
  FROM trades
 WHERE account_id = :aid
 ORDER BY executed_at DESC
 LIMIT 20;
