-- V006: users.tenant_id (NOT NULL, FK to tenants) and per-tenant email
-- uniqueness in place of the global one.
-- NOT NULL is reached through a validated CHECK so that SET NOT NULL can skip
-- its own full-table scan (PostgreSQL 12+), and the FK is added NOT VALID then
-- validated, the pattern used for every constraint added to a live table.
-- The backfill is a constant DEFAULT given with ADD COLUMN and dropped at
-- once: existing rows get the default tenant without a table rewrite
-- (PostgreSQL 11+). The rollback engine restores archived tenant_ids after
-- this script when the version is re-applied.
-- The column deliberately has no DEFAULT at head: an insert that forgets the
-- tenant must fail instead of landing in the default tenant.
-- Undo (U006) data-loss risk: MEDIUM - users.tenant_id values are lost.

-- LOCAL: the setting ends with the migration's transaction instead of staying on a pooled connection
SET LOCAL lock_timeout = '5s';

ALTER TABLE users ADD COLUMN tenant_id uuid DEFAULT '00000000-0000-0000-0000-000000000001';
ALTER TABLE users ALTER COLUMN tenant_id DROP DEFAULT;

ALTER TABLE users
    ADD CONSTRAINT chk_users_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT chk_users_tenant_id_not_null;
ALTER TABLE users ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE users DROP CONSTRAINT chk_users_tenant_id_not_null;

ALTER TABLE users
    ADD CONSTRAINT fk_users_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT fk_users_tenant;

CREATE INDEX idx_users_tenant_id ON users (tenant_id);

-- Add the per-tenant key before dropping the global one so email uniqueness is
-- never unenforced at any point of the script.
ALTER TABLE users ADD CONSTRAINT uq_users_tenant_email UNIQUE (tenant_id, email);
ALTER TABLE users DROP CONSTRAINT uq_users_email;
