package com.alphapulse.tenant.repository;

import com.alphapulse.tenant.Tenant;
import com.alphapulse.tenant.TenantStatus;

/**
 * The outcome of suspending, reactivating or cancelling a tenant.
 *
 * @param tenant the tenant as stored afterwards
 * @param previousStatus its status before the call
 */
public record StatusChangeResult(Tenant tenant, TenantStatus previousStatus) {

    /** Whether the call changed the status; false when the tenant already had the requested one. */
    public boolean changed() {
        return tenant.status() != previousStatus;
    }
}
