package com.alphapulse.db.engine;

import com.alphapulse.db.migrations.Version;
import java.util.Optional;

/**
 * What {@link MigrationEngine#abandon} found and did.
 *
 * @param version the version of the step in flight, empty when no step was running
 * @param direction that step's direction, null with no version
 * @param journaled whether its row is written (false: the server took no row, and the step journals itself if it ends)
 */
public record AbandonResult(Optional<Version> version, Direction direction, boolean journaled) {

    public AbandonResult {
        version = version == null ? Optional.empty() : version;
    }

    /** Whether a step was in flight and is now journaled as abandoned. */
    public boolean abandoned() {
        return version.isPresent() && journaled;
    }
}
