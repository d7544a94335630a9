-- U001: version 001 -> empty schema.
-- Data-loss risk: HIGH - all synced exchange data is dropped.
-- No CASCADE: if anything unexpected depends on these tables the undo must
-- fail rather than silently take that object with it.

DROP TABLE IF EXISTS exchange_prices;
DROP TABLE IF EXISTS exchange_orders;
DROP TABLE IF EXISTS exchange_positions;
DROP TABLE IF EXISTS exchange_balances;
DROP TABLE IF EXISTS sync_status;
