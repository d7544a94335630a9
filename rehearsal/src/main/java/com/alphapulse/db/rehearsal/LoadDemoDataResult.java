package com.alphapulse.db.rehearsal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What {@link Rehearsals#loadDemoData(DemoDataOptions)} inserted.
 *
 * @param version the version the data was loaded at
 * @param tenantIds the tenants created
 * @param rows rows inserted per table, in insertion order
 * @param total how long it took
 */
public record LoadDemoDataResult(String version, List<UUID> tenantIds, Map<String, Long> rows, Duration total) {

    public LoadDemoDataResult {
        tenantIds = List.copyOf(tenantIds);
        rows = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rows));
    }

    /** Trades inserted. */
    public long trades() {
        return rows.getOrDefault("trades", 0L);
    }
}
