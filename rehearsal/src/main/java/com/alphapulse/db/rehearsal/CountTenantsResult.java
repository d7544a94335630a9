package com.alphapulse.db.rehearsal;

import java.util.List;

/**
 * What {@link Rehearsals#countTenants()} found: the tenants a database holds besides the one the migrations seed,
 * and the tenant tables that have any row at all (rows of the seeded tenant are real data too, e.g. what 007
 * backfilled).
 *
 * @param tenants rows of {@code tenants} other than the migrations' default tenant; 0 without that table
 * @param tablesWithRows the tenant tables (with a tenant_id column) that have rows, by name
 */
public record CountTenantsResult(long tenants, List<String> tablesWithRows) {

    public CountTenantsResult {
        tablesWithRows = List.copyOf(tablesWithRows);
    }

    /** Whether the database holds no tenant data, so that demo data cannot mix with real tenants. */
    public boolean empty() {
        return tenants == 0 && tablesWithRows.isEmpty();
    }

    /** E.g. "3 tenants" or "rows in users, trades". */
    public String describe() {
        if (tenants > 0) {
            return tenants + (tenants == 1 ? " tenant" : " tenants");
        }
        return "rows in " + String.join(", ", tablesWithRows);
    }
}
