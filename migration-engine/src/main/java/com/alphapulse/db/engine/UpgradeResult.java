package com.alphapulse.db.engine;

import com.alphapulse.db.migrations.Version;
import java.time.Duration;
import java.util.List;

/**
 * What {@link MigrationEngine#upgrade(String)} did.
 *
 * @param fromVersion the version before, {@link Version#BASE} when none was applied
 * @param toVersion the version after
 * @param versions each version applied, oldest first, with its measured duration and restored rows
 * @param total wall-clock time of the whole run, checks included
 */
public record UpgradeResult(Version fromVersion, Version toVersion, List<VersionRun> versions, Duration total) {

    public UpgradeResult {
        versions = List.copyOf(versions);
    }

    /** Archived values written back over all versions. */
    public long rowsRestored() {
        return versions.stream().mapToLong(VersionRun::rowsRestored).sum();
    }

    /** Archived values that could not be written back, over all versions; they stay archived (see status). */
    public long rowsSkipped() {
        return versions.stream().mapToLong(VersionRun::rowsSkipped).sum();
    }
}
