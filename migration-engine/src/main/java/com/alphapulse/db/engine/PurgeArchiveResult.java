package com.alphapulse.db.engine;

import java.time.Duration;
import java.util.List;

/**
 * What {@link MigrationEngine#purgeArchive(String)} retired.
 *
 * @param version the version whose archive is gone
 * @param removed what was deleted, per table and column (the entries {@link MigrationEngine#listArchive()} showed)
 * @param total how long it took
 */
public record PurgeArchiveResult(String version, List<ListArchiveResult.Entry> removed, Duration total) {

    public PurgeArchiveResult {
        removed = List.copyOf(removed);
    }

    /** Rows and values deleted. */
    public long rows() {
        return removed.stream().mapToLong(ListArchiveResult.Entry::rows).sum();
    }
}
