-- tenant_id on both tables (backfilled: accounts to the default tenant, entries from their account),
-- a dated column of another type, and a new tenant table.
ALTER TABLE accounts ADD COLUMN tenant_id uuid;
UPDATE accounts SET tenant_id = '00000000-0000-0000-0000-000000000001' WHERE tenant_id IS NULL;
ALTER TABLE accounts ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE accounts ADD CONSTRAINT fk_accounts_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id);
CREATE INDEX idx_accounts_tenant ON accounts (tenant_id);

ALTER TABLE entries ADD COLUMN tenant_id uuid;
UPDATE entries e SET tenant_id = a.tenant_id FROM accounts a WHERE a.id = e.account_id AND e.tenant_id IS NULL;
ALTER TABLE entries ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE entries ADD CONSTRAINT fk_entries_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id);
CREATE INDEX idx_entries_tenant ON entries (tenant_id);

ALTER TABLE entries ADD COLUMN reviewed_on date;

CREATE TABLE notes (
    id         bigserial PRIMARY KEY,
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    account_id bigint NOT NULL REFERENCES accounts (id),
    body       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_notes_tenant ON notes (tenant_id);
