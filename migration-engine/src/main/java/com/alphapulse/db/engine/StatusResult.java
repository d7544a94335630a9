package com.alphapulse.db.engine;

import com.alphapulse.db.migrations.Version;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Where a database stands.
 *
 * @param currentVersion the highest version Flyway's history records as applied; {@link Version#BASE} for none
 * @param historyTable whether the database has Flyway's schema history table at all
 * @param applied the applied versions, oldest first
 * @param pending the versions that an upgrade to head would apply
 * @param failed versions whose history row says they failed (run repair)
 * @param rollbacks the engine's successful downgrades, from the journal, oldest first
 * @param pendingRestores archived rows and column values waiting for their version to be applied again
 * @param catalog whether the live catalog really is at {@code currentVersion}
 * @param inProgress an online version that started and is not applied yet (running, or stopped part-way:
 *     {@code upgrade} resumes it), empty when none
 * @param total how long reading took
 */
public record StatusResult(Version currentVersion, boolean historyTable, List<AppliedVersion> applied,
        List<String> pending, List<String> failed, List<HistoryResult.Entry> rollbacks,
        List<PendingRestore> pendingRestores, CatalogMatch catalog, java.util.Optional<InProgress> inProgress, Duration total) {

    /**
     * Where an online version stands.
     *
     * @param version the version
     * @param phase the statement it is at, e.g. {@code "backfill trades"} or the statement's text
     * @param table the table of a batched phase, null otherwise
     * @param rowsDone rows of a batched phase done so far (0 for other phases)
     * @param rowsTotal rows of the table when the phase started (an estimate), null when not batched
     * @param updatedAt when the phase last moved
     * @param running whether an engine is running it now (it holds the migration lock)
     */
    public record InProgress(Version version, String phase, String table, long rowsDone, Long rowsTotal, Instant updatedAt,
            boolean running) {

        /** E.g. {@code "007 in progress: backfill trades 430,000 / 1,000,000"}. */
        public String describe() {
            return version.label() + " in progress: " + phase + (rowsTotal == null ? ""
                    : String.format(java.util.Locale.US, " %,d / %,d", rowsDone, Math.max(rowsDone, rowsTotal)));
        }
    }

    public StatusResult {
        applied = List.copyOf(applied);
        pending = List.copyOf(pending);
        failed = List.copyOf(failed);
        rollbacks = List.copyOf(rollbacks);
        pendingRestores = List.copyOf(pendingRestores);
    }

    /**
     * One applied version as Flyway recorded it.
     *
     * @param version e.g. "007"
     * @param description what it does
     * @param installedOn when it was applied (or stamped)
     * @param installedBy who applied it
     * @param executionTime how long Flyway measured it
     */
    public record AppliedVersion(String version, String description, Instant installedOn, String installedBy,
            Duration executionTime) {}

    /**
     * Archived rows and column values of one table waiting for a restore.
     *
     * @param version the version whose re-application restores them
     * @param table the table whose rows (dropped with it) or column values (dropped columns) are archived
     * @param rows how many archived rows and column values together
     * @param stranded true when that version is already applied, so the engine will not restore these rows by
     *     itself: the version was applied without the engine (plain Flyway), or the engine's upgrade skipped
     *     them because their row or the row their foreign key pointed to (e.g. their tenant) was deleted, or their table re-created, while rolled back (the
     *     journal's UP entry of that version says which)
     */
    public record PendingRestore(String version, String table, long rows, boolean stranded) {}

    /**
     * The verification module's view of the live catalog.
     *
     * @param matchesRecorded whether the catalog has no error against the recorded version
     * @param identified the version the catalog matches, {@code "base"} for an empty database, null for none
     * @param nearest the version the catalog is closest to, null for an empty database
     * @param findings the differences from the recorded version (or, with nothing recorded, from the nearest)
     */
    public record CatalogMatch(boolean matchesRecorded, String identified, String nearest, List<String> findings) {

        public CatalogMatch {
            findings = List.copyOf(findings);
        }
    }
}
