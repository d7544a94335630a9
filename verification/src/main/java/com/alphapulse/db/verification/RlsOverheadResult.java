package com.alphapulse.db.verification;

import java.time.Duration;
import java.util.List;

/**
 * What {@link Verifier#measureRlsOverhead(int)} measured: a measurement to print, not a pass or fail.
 *
 * @param tenant the tenant the queries were scoped to (the one with the most trades)
 * @param tenantTrades how many trades that tenant has
 * @param totalTrades how many trades all tenants have
 * @param iterations how many timed runs of each query on each side
 * @param queries one entry per query
 * @param duration how long the measurement took
 */
public record RlsOverheadResult(String tenant, long tenantTrades, long totalTrades, int iterations,
        List<QueryOverhead> queries, Duration duration) {

    public RlsOverheadResult {
        queries = List.copyOf(queries);
    }

    /** The largest overhead ratio of all queries. */
    public double worstOverhead() {
        return queries.stream().mapToDouble(QueryOverhead::overhead).max().orElse(1.0);
    }
}
