package com.alphapulse.db.verification;

import java.time.Duration;
import java.util.List;

/**
 * What {@link Verifier#measureRlsOverhead(int)} measured: a measurement to print, not a pass or fail.
 *
 * @param tenant the tenant the queries were scoped to (the one with the most rows in {@code table})
 * @param table the largest tenant table, the one most queries run on
 * @param tenantRows how many rows of {@code table} that tenant has
 * @param totalRows how many rows {@code table} has
 * @param iterations how many timed runs of each query on each side
 * @param queries one entry per query
 * @param duration how long the measurement took
 */
public record RlsOverheadResult(String tenant, String table, long tenantRows, long totalRows, int iterations,
        List<QueryOverhead> queries, Duration duration) {

    public RlsOverheadResult {
        queries = List.copyOf(queries);
    }

    /**
     * The tenant's rows in {@link #table()}, under the name it had when that table was always trades.
     *
     * @deprecated use {@link #tenantRows()}
     */
    @Deprecated
    public long tenantTrades() {
        return tenantRows;
    }

    /**
     * All rows of {@link #table()}, under the name it had when that table was always trades.
     *
     * @deprecated use {@link #totalRows()}
     */
    @Deprecated
    public long totalTrades() {
        return totalRows;
    }

    /** The largest overhead ratio of all queries. */
    public double worstOverhead() {
        return queries.stream().mapToDouble(QueryOverhead::overhead).max().orElse(1.0);
    }
}
