package com.alphapulse.db.verification;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The data of one table at one moment, per tenant.
 *
 * @param table the table name
 * @param hashedColumns the columns whose values went into the checksums, alphabetically; columns that
 *     exist at only some schema versions (such as {@code tenant_id}) are left out, see {@link DataSnapshot}
 * @param groupedByTenant whether the rows were grouped by their {@code tenant_id}; false for a table that
 *     has no such column, whose rows then form the one group {@link DataSnapshot#ALL_ROWS}
 * @param groups the digest of each group, by tenant id text ({@link DataSnapshot#NO_TENANT} for rows whose
 *     tenant_id is NULL); a tenant without rows has no group
 * @param allColumns every column of the table, alphabetically
 * @param fullGroups the digest of each group over {@code allColumns}: two snapshots of the table with the
 *     same columns (taken at the same version, e.g. before a rollback and after the re-upgrade) are compared
 *     on these, so a column value the round trip restored wrongly is seen too
 */
public record TableSnapshot(String table, List<String> hashedColumns, boolean groupedByTenant,
        Map<String, RowDigest> groups, List<String> allColumns, Map<String, RowDigest> fullGroups) {

    public TableSnapshot {
        hashedColumns = List.copyOf(hashedColumns);
        groups = Collections.unmodifiableMap(new TreeMap<>(groups));
        allColumns = List.copyOf(allColumns);
        fullGroups = Collections.unmodifiableMap(new TreeMap<>(fullGroups));
    }

    /** A snapshot whose checksums cover all of the table's columns, {@code hashedColumns}. */
    public TableSnapshot(String table, List<String> hashedColumns, boolean groupedByTenant, Map<String, RowDigest> groups) {
        this(table, hashedColumns, groupedByTenant, groups, hashedColumns, groups);
    }

    /** The digest of all rows of the table. */
    public RowDigest total() {
        return groups.values().stream().reduce(RowDigest.EMPTY, RowDigest::plus);
    }

    /** The digest of one tenant's rows; {@link RowDigest#EMPTY} when it has none. */
    public RowDigest group(String tenant) {
        return groups.getOrDefault(tenant, RowDigest.EMPTY);
    }

    /** This table with all groups merged into the one group {@link DataSnapshot#ALL_ROWS}. */
    public TableSnapshot collapsed() {
        return new TableSnapshot(table, hashedColumns, false, Map.of(DataSnapshot.ALL_ROWS, total()), allColumns,
                Map.of(DataSnapshot.ALL_ROWS, fullGroups.values().stream().reduce(RowDigest.EMPTY, RowDigest::plus)));
    }
}
