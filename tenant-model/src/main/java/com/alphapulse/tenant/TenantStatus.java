package com.alphapulse.tenant;

import java.util.Locale;

/**
 * Where a tenant is in its life; the values of the {@code chk_tenants_status} constraint (migration 005).
 *
 * <p>An active tenant may be suspended or cancelled, a suspended one reactivated or cancelled, and a cancelled
 * one nothing: see {@link #canChangeTo(TenantStatus)}.
 */
public enum TenantStatus {
    /** In service; the column default. */
    ACTIVE("active"),
    /** Temporarily out of service, e.g. for an unpaid bill. */
    SUSPENDED("suspended"),
    /** Gone for good. */
    CANCELLED("cancelled");

    private final String databaseValue;

    TenantStatus(String databaseValue) {
        this.databaseValue = databaseValue;
    }

    /** The value stored in {@code tenants.status}. */
    public String databaseValue() {
        return databaseValue;
    }

    /**
     * Whether a tenant in this status may be moved to {@code target}; staying where it is counts as allowed,
     * so suspending a suspended tenant is a no-op rather than an error.
     */
    public boolean canChangeTo(TenantStatus target) {
        return this == target || this != CANCELLED;
    }

    /**
     * The status stored as {@code value}.
     *
     * @throws TenantException with {@link TenantException.Code#INVALID_ARGUMENT} for any other string
     */
    public static TenantStatus fromDatabaseValue(String value) {
        for (TenantStatus status : values()) {
            if (status.databaseValue.equals(value)) {
                return status;
            }
        }
        throw Checks.invalid("unknown tenant status '" + value + "', expected one of active, suspended, cancelled");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
