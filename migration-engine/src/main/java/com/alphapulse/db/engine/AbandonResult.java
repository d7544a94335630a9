package com.alphapulse.db.engine;

import com.alphapulse.db.migrations.Version;
import java.util.Optional;

/**
 * What {@link MigrationEngine#abandon} journaled: the version whose step was in flight and its direction, empty when
 * no step was running (nothing journaled).
 *
 * @param version the step's version
 * @param direction the step's direction, null with no version
 */
public record AbandonResult(Optional<Version> version, Direction direction) {

    public AbandonResult {
        version = version == null ? Optional.empty() : version;
    }

    /** Whether a step was in flight and is now journaled INTERRUPTED. */
    public boolean abandoned() {
        return version.isPresent();
    }
}
