-- U005: version 005 -> version 002.
-- Data-loss risk: HIGH - every tenant row (names, tiers, limits, metadata) is
-- lost.
-- No CASCADE: if a tenant FK still exists (006/007 not undone) this must fail
-- instead of silently dropping the FKs of the tenant tables.

DROP TABLE IF EXISTS tenants;
