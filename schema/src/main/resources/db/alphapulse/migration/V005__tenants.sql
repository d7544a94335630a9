-- V005: tenants table plus the default tenant that will own every row that
-- existed before multi-tenancy (V006/V007 backfill to it).
-- gen_random_uuid() is core since PostgreSQL 13, so no pgcrypto extension.
-- The rollback engine, when this version is re-applied after a rollback,
-- restores the archived tenants rows (the default tenant's included) exactly.
-- Undo (U005) data-loss risk: HIGH - every tenant row is lost.

-- LOCAL: the setting ends with the migration's transaction instead of staying on a pooled connection
SET LOCAL lock_timeout = '5s';

CREATE TABLE tenants (
    id                    uuid         NOT NULL DEFAULT gen_random_uuid(),
    name                  varchar(255) NOT NULL,
    slug                  varchar(100) NOT NULL,
    subscription_tier     varchar(50)  NOT NULL,
    status                varchar(50)  NOT NULL DEFAULT 'active',
    max_users             integer      DEFAULT 5,
    max_api_calls_per_day integer      DEFAULT 10000,
    created_at            timestamptz  NOT NULL DEFAULT now(),
    updated_at            timestamptz  NOT NULL DEFAULT now(),
    metadata              jsonb        DEFAULT '{}'::jsonb,
    CONSTRAINT tenants_pkey PRIMARY KEY (id),
    CONSTRAINT uq_tenants_slug UNIQUE (slug),
    CONSTRAINT chk_tenants_subscription_tier
        CHECK (subscription_tier IN ('starter', 'pro', 'enterprise')),
    CONSTRAINT chk_tenants_status
        CHECK (status IN ('active', 'suspended', 'cancelled'))
);
CREATE INDEX idx_tenants_status ON tenants (status);
CREATE INDEX idx_tenants_tier ON tenants (subscription_tier);

INSERT INTO tenants (id, name, slug, subscription_tier)
VALUES ('00000000-0000-0000-0000-000000000001', 'Default Tenant', 'default', 'pro')
ON CONFLICT (id) DO NOTHING;
