package com.alphapulse.db.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the engine's archive keeps ({@link MigrationEngine#listArchive()}): per version, table, column and tenant.
 *
 * @param entries oldest version first, then table, column and tenant
 * @param total how long it took
 */
public record ListArchiveResult(List<Entry> entries, Duration total) {

    public ListArchiveResult {
        entries = List.copyOf(entries);
    }

    /** Rows and values of all entries. */
    public long rows() {
        return entries.stream().mapToLong(Entry::rows).sum();
    }

    /**
     * Archived data of one version, table, column and tenant.
     *
     * @param version the version whose re-application restores it
     * @param table the table
     * @param column the dropped column whose values are kept, empty for whole rows of a dropped table
     * @param tenant the tenant the rows belong to (their tenant_id, or the registry row's own id), null when the
     *     archive does not tell (a column other than tenant_id, or a table without one)
     * @param rows how many rows or values
     * @param archivedAt when the oldest of them was archived
     * @param stranded true when the version is applied already, so no upgrade will restore them
     */
    public record Entry(String version, String table, String column, String tenant, long rows, Instant archivedAt,
            boolean stranded) {}
}
