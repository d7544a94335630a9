DROP TABLE notes;
ALTER TABLE entries DROP COLUMN reviewed_on;
DROP INDEX idx_entries_tenant;
ALTER TABLE entries DROP CONSTRAINT fk_entries_tenant;
ALTER TABLE entries DROP COLUMN tenant_id;
DROP INDEX idx_accounts_tenant;
ALTER TABLE accounts DROP CONSTRAINT fk_accounts_tenant;
ALTER TABLE accounts DROP COLUMN tenant_id;
