package com.alphapulse.db.engine;

import java.time.Duration;
import java.util.List;

/**
 * What {@link MigrationEngine#repair()} did.
 *
 * @param droppedIndexes indexes dropped: INVALID ones, and those a failed or interrupted non-transactional
 *     version had created before it stopped
 * @param removedFailedVersions versions whose failed history rows Flyway's repair removed
 * @param alignedVersions versions whose checksum, description or type Flyway's repair realigned with the
 *     scripts
 * @param actions one line per action, in order
 * @param total how long it took
 */
public record RepairResult(List<String> droppedIndexes, List<String> removedFailedVersions,
        List<String> alignedVersions, List<String> actions, Duration total) {

    public RepairResult {
        droppedIndexes = List.copyOf(droppedIndexes);
        removedFailedVersions = List.copyOf(removedFailedVersions);
        alignedVersions = List.copyOf(alignedVersions);
        actions = List.copyOf(actions);
    }

    /** Whether anything needed repairing. */
    public boolean changedAnything() {
        return !actions.isEmpty();
    }
}
