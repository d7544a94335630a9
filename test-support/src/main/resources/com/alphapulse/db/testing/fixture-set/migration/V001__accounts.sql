-- Fixture set, not AlphaPulse: two plain tables, the parent and a child with a cascading foreign key.
CREATE TABLE accounts (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL,
    balance    numeric(12, 2) NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE entries (
    id         bigserial PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    amount     numeric(12, 2) NOT NULL,
    memo       text
);

CREATE INDEX idx_entries_account ON entries (account_id);
