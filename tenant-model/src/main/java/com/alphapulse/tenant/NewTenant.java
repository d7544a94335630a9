package com.alphapulse.tenant;

/**
 * What it takes to create a tenant; the database assigns the id and the timestamps, and the status starts as
 * {@link TenantStatus#ACTIVE}.
 *
 * @param name display name, not blank, at most 255 characters
 * @param slug unique short name, not blank, at most 100 characters
 * @param subscriptionTier the plan
 * @param limits what the tenant may use
 * @param metadata JSON document text for the {@code jsonb} column, or null for NULL
 */
public record NewTenant(
        String name, String slug, SubscriptionTier subscriptionTier, TenantLimits limits, String metadata) {

    /** Checks each value fits its column. */
    public NewTenant {
        Checks.text("name", name, 255);
        Checks.text("slug", slug, 100);
        Checks.present("subscriptionTier", subscriptionTier);
        Checks.present("limits", limits);
    }

    /** A tenant with the default limits and empty metadata ({@code {}}), as the column defaults would give. */
    public static NewTenant of(String name, String slug, SubscriptionTier subscriptionTier) {
        return new NewTenant(name, slug, subscriptionTier, TenantLimits.DEFAULT, "{}");
    }
}
