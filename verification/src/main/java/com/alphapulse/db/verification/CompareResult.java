package com.alphapulse.db.verification;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@link Verifier#compare(DataSnapshot, DataSnapshot)} found.
 *
 * @param differences every table and tenant whose data differs, by table then tenant
 */
public record CompareResult(List<SnapshotDifference> differences) {

    public CompareResult {
        differences = List.copyOf(differences);
    }

    /** True when both snapshots hold the same data. */
    public boolean identical() {
        return differences.isEmpty();
    }

    /** The tables that differ, in order. */
    public Set<String> tables() {
        Set<String> tables = new LinkedHashSet<>();
        differences.forEach(d -> tables.add(d.table()));
        return tables;
    }
}
