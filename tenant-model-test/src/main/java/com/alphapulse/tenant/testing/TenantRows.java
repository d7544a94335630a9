package com.alphapulse.tenant.testing;

import java.util.Map;
import java.util.UUID;

/**
 * One tenant's rows, for a test's set-up and checks: written and counted as the tables' owner in a transaction that
 * sets the tenant ({@code app.current_tenant_id}), so {@code tenant_id} defaults to it and row-level security, where
 * it binds the owner, sees this tenant only. Not the code under test's path: that is {@link TenantTestDatabase#appDataSource()}.
 */
public interface TenantRows {

    /** The tenant these rows belong to. */
    UUID tenant();

    /**
     * Inserts one row into {@code table} of schema public and returns it as stored (generated id and defaults
     * included), column name to value. A tenant table's {@code tenant_id} is this tenant's unless given; another
     * tenant's is refused.
     */
    Map<String, Object> insert(String table, Map<String, ?> values);

    /** This tenant's rows in {@code table}, a tenant table. */
    int count(String table);
}
