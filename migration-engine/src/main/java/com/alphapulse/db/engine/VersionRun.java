package com.alphapulse.db.engine;

import com.alphapulse.db.migrations.Version;
import java.time.Duration;
import java.util.List;

/**
 * One version applied or undone, as measured.
 *
 * @param version the version's label, e.g. "007"
 * @param description what the version does
 * @param direction {@link Direction#UP} or {@link Direction#DOWN}
 * @param duration wall-clock time of the version's transaction, archive and restore included
 * @param rowsArchived rows copied to the archive before the undo dropped them
 * @param rowsRestored archived values written back while the version was applied again
 * @param attempts how many times the version was tried (more than 1 after lock timeouts)
 * @param notices warnings and notices PostgreSQL raised while the version ran (e.g. U008's security warning)
 * @param rowsSkipped archived rows that could not be written back (their row or tenant was deleted while
 *     rolled back, or their table was re-created); they stay in the archive and status lists them, so for
 *     one version {@code archived == restored + skipped}
 */
public record VersionRun(Version version, String description, Direction direction, Duration duration,
        long rowsArchived, long rowsRestored, int attempts, List<String> notices, long rowsSkipped) {

    public VersionRun {
        notices = List.copyOf(notices);
    }

    /** A run that skipped nothing. */
    public VersionRun(Version version, String description, Direction direction, Duration duration,
            long rowsArchived, long rowsRestored, int attempts, List<String> notices) {
        this(version, description, direction, duration, rowsArchived, rowsRestored, attempts, notices, 0);
    }
}
