package com.alphapulse.tenant;

/**
 * What a tenant may use; the {@code max_users} and {@code max_api_calls_per_day} columns of {@code tenants}.
 * A null component means the column is NULL, i.e. no limit is recorded.
 *
 * @param maxUsers how many users the tenant may have, or null
 * @param maxApiCallsPerDay how many API calls the tenant may make per day, or null
 */
public record TenantLimits(Integer maxUsers, Integer maxApiCallsPerDay) {

    /** The column defaults of migration 005: 5 users, 10,000 API calls per day. */
    public static final TenantLimits DEFAULT = new TenantLimits(5, 10_000);

    /** Checks neither limit is negative. */
    public TenantLimits {
        Checks.notNegative("maxUsers", maxUsers);
        Checks.notNegative("maxApiCallsPerDay", maxApiCallsPerDay);
    }
}
