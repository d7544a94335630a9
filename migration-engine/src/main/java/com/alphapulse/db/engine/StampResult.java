package com.alphapulse.db.engine;

import com.alphapulse.db.migrations.Version;
import java.time.Duration;
import java.util.List;

/**
 * What {@link MigrationEngine#stamp(String, boolean)} did.
 *
 * @param fromVersion the version recorded before
 * @param toVersion the version recorded now
 * @param forced whether the catalog check was skipped
 * @param catalogMatched whether the live catalog matched {@code toVersion} (checked also when forced)
 * @param removed versions whose history rows were deleted (failed rows included)
 * @param inserted versions recorded as applied without running their scripts
 * @param total how long it took
 */
public record StampResult(Version fromVersion, Version toVersion, boolean forced, boolean catalogMatched,
        List<String> removed, List<String> inserted, Duration total) {

    public StampResult {
        removed = List.copyOf(removed);
        inserted = List.copyOf(inserted);
    }
}
