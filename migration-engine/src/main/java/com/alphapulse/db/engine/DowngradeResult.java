package com.alphapulse.db.engine;

import com.alphapulse.db.migrations.Version;
import java.time.Duration;
import java.util.List;

/**
 * What {@link MigrationEngine#downgrade(String, DowngradeOptions)} did.
 *
 * @param fromVersion the version before
 * @param toVersion the version after, {@link Version#BASE} when every version was undone
 * @param risk the data-loss risk of the plan it ran (before archiving), as {@link MigrationEngine#plan} reports it
 * @param versions each version undone, newest first, with its measured duration and archived rows
 * @param warnings what the caller must know about the state left behind (e.g. SECURITY: tenant tables
 *     without row-level security)
 * @param total wall-clock time of the whole run, checks and planning included
 */
public record DowngradeResult(Version fromVersion, Version toVersion, Risk risk, List<VersionRun> versions,
        List<String> warnings, Duration total) {

    public DowngradeResult {
        versions = List.copyOf(versions);
        warnings = List.copyOf(warnings);
    }

    /** Rows archived over all versions. */
    public long rowsArchived() {
        return versions.stream().mapToLong(VersionRun::rowsArchived).sum();
    }
}
