package com.alphapulse.tenant;

import java.util.Locale;

/** A tenant's plan; the values of the {@code chk_tenants_subscription_tier} constraint (migration 005). */
public enum SubscriptionTier {
    /** The entry plan. */
    STARTER("starter"),
    /** The professional plan; the default tenant's. */
    PRO("pro"),
    /** The enterprise plan. */
    ENTERPRISE("enterprise");

    private final String databaseValue;

    SubscriptionTier(String databaseValue) {
        this.databaseValue = databaseValue;
    }

    /** The value stored in {@code tenants.subscription_tier}. */
    public String databaseValue() {
        return databaseValue;
    }

    /**
     * The tier stored as {@code value}.
     *
     * @throws TenantException with {@link TenantException.Code#INVALID_ARGUMENT} for any other string
     */
    public static SubscriptionTier fromDatabaseValue(String value) {
        for (SubscriptionTier tier : values()) {
            if (tier.databaseValue.equals(value)) {
                return tier;
            }
        }
        throw Checks.invalid("unknown subscription tier '" + value + "', expected one of starter, pro, enterprise");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
