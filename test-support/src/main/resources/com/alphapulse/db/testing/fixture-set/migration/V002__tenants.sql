-- The tenant registry, seeded with the tenant that owns every row that existed before.
CREATE TABLE tenants (
    id       uuid PRIMARY KEY,
    name     text NOT NULL,
    slug     text NOT NULL,
    status   text NOT NULL DEFAULT 'active',
    metadata jsonb NOT NULL DEFAULT '{}',
    CONSTRAINT uq_tenants_slug UNIQUE (slug)
);

INSERT INTO tenants (id, name, slug) VALUES ('00000000-0000-0000-0000-000000000001', 'Default', 'default');
