package com.alphapulse.db.verification;

import java.time.Duration;
import java.util.List;

/**
 * One tenant-scoped query, timed under row-level security and without it.
 *
 * @param name a short name, e.g. {@code latest trades}
 * @param rlsSql the query as the application runs it: no tenant filter, row-level security adds it
 * @param ownerSql the same query with an explicit {@code WHERE tenant_id = ?}, run by a role that bypasses
 *     row-level security
 * @param rlsMedian median time under row-level security
 * @param rlsP95 95th percentile under row-level security
 * @param ownerMedian median time without row-level security
 * @param ownerP95 95th percentile without row-level security
 * @param rlsIndexes the indexes the plan under row-level security uses
 * @param ownerIndexes the indexes the plan without row-level security uses
 * @param rlsUsesCompositeIndex whether the plan under row-level security uses an index that leads with
 *     tenant_id and has more columns (the composite indexes of 009)
 * @param ownerUsesCompositeIndex the same for the plan without row-level security
 * @param rlsPlan {@code EXPLAIN} under row-level security
 * @param ownerPlan {@code EXPLAIN} without row-level security
 */
public record QueryOverhead(String name, String rlsSql, String ownerSql, Duration rlsMedian, Duration rlsP95,
        Duration ownerMedian, Duration ownerP95, List<String> rlsIndexes, List<String> ownerIndexes,
        boolean rlsUsesCompositeIndex, boolean ownerUsesCompositeIndex, String rlsPlan, String ownerPlan) {

    public QueryOverhead {
        rlsIndexes = List.copyOf(rlsIndexes);
        ownerIndexes = List.copyOf(ownerIndexes);
    }

    /** Median under row-level security divided by median without it; 1.0 means no overhead. */
    public double overhead() {
        long owner = Math.max(1, ownerMedian.toNanos());
        return (double) rlsMedian.toNanos() / owner;
    }
}
