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
 * @param blockingLock the longest the version held a lock that makes application statements wait (ACCESS
 *     EXCLUSIVE or anything from SHARE up): a transactional version's whole transaction; for an online version
 *     its longest single statement under such a lock
 * @param phases the batched phases (backfill, restore, online archive) with their rows and duration, in order
 */
public record VersionRun(Version version, String description, Direction direction, Duration duration,
        long rowsArchived, long rowsRestored, int attempts, List<String> notices, long rowsSkipped,
        Duration blockingLock, List<Phase> phases) {

    public VersionRun {
        notices = List.copyOf(notices);
        phases = List.copyOf(phases);
    }

    /**
     * One batched phase.
     *
     * @param name e.g. {@code "backfill trades"}, {@code "restore trades.tenant_id"}, {@code "archive trades.tenant_id (online)"}
     * @param rows rows it went through
     * @param duration how long it took
     */
    public record Phase(String name, long rows, Duration duration) {

        /** Rows per second. */
        public long rowsPerSecond() {
            return duration.isZero() ? rows : Math.round(rows / (duration.toNanos() / 1e9));
        }
    }

    /** A run without lock or phase figures. */
    public VersionRun(Version version, String description, Direction direction, Duration duration,
            long rowsArchived, long rowsRestored, int attempts, List<String> notices, long rowsSkipped) {
        this(version, description, direction, duration, rowsArchived, rowsRestored, attempts, notices, rowsSkipped, duration, List.of());
    }

    /** A run that skipped nothing. */
    public VersionRun(Version version, String description, Direction direction, Duration duration,
            long rowsArchived, long rowsRestored, int attempts, List<String> notices) {
        this(version, description, direction, duration, rowsArchived, rowsRestored, attempts, notices, 0);
    }
}
