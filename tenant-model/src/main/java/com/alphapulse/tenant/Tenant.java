package com.alphapulse.tenant;

import java.time.OffsetDateTime;

/**
 * One row of the {@code tenants} table.
 *
 * <p>Timestamps are kept as {@link OffsetDateTime}, the type the database driver hands out for
 * {@code timestamptz}, so converting to and from the row never loses anything.
 *
 * @param id the tenant's id
 * @param name display name, at most 255 characters
 * @param slug unique short name (e.g. for URLs), at most 100 characters
 * @param subscriptionTier the plan
 * @param status where the tenant is in its life
 * @param limits what the tenant may use; never null, its components may be
 * @param metadata free-form JSON document text ({@code jsonb}), or null when the column is NULL
 * @param createdAt when the row was created
 * @param updatedAt when the row was last changed
 */
public record Tenant(
        TenantId id,
        String name,
        String slug,
        SubscriptionTier subscriptionTier,
        TenantStatus status,
        TenantLimits limits,
        String metadata,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {

    /** Checks the NOT NULL columns are present. */
    public Tenant {
        Checks.present("id", id);
        Checks.present("name", name);
        Checks.present("slug", slug);
        Checks.present("subscriptionTier", subscriptionTier);
        Checks.present("status", status);
        Checks.present("limits", limits);
        Checks.present("createdAt", createdAt);
        Checks.present("updatedAt", updatedAt);
    }

    /** Whether the tenant is {@link TenantStatus#ACTIVE}. */
    public boolean isActive() {
        return status == TenantStatus.ACTIVE;
    }
}
