package com.alphapulse.db.verification;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What {@link Verifier#fill(FillOptions)} inserted.
 *
 * @param registry the tenant registry the tenants went into (the table tenant_id references)
 * @param tenantIds the new tenants, in the order they were created
 * @param rows rows inserted per table in insertion order: the registry first, then every tenant table,
 *     parents before children (a table left empty appears with 0)
 * @param duration how long it took, the transaction's commit and ANALYZE of the filled tables included
 */
public record FillResult(String registry, List<UUID> tenantIds, Map<String, Long> rows, Duration duration) {

    public FillResult {
        tenantIds = List.copyOf(tenantIds);
        rows = Collections.unmodifiableMap(new LinkedHashMap<>(rows));
    }

    /** Rows inserted into {@code table}, 0 when it was not filled. */
    public long rows(String table) {
        return rows.getOrDefault(table, 0L);
    }

    /** Rows inserted into all tables, the registry's included. */
    public long total() {
        return rows.values().stream().mapToLong(Long::longValue).sum();
    }
}
