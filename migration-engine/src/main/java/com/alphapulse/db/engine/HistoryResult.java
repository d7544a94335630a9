package com.alphapulse.db.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The engine's journal: every upgrade, downgrade, stamp and repair recorded in the database.
 *
 * @param entries oldest first
 * @param total how long reading took
 */
public record HistoryResult(List<Entry> entries, Duration total) {

    public HistoryResult {
        entries = List.copyOf(entries);
    }

    /**
     * One journal row.
     *
     * @param id the row's sequence number
     * @param runId the run the entry belongs to (all versions of one downgrade share it)
     * @param version the version applied, undone or stamped (for a repair, the version recorded then);
     *     {@code "base"} for none
     * @param direction what was done
     * @param dbUser the database user that did it
     * @param osUser the operating system user of the process that did it
     * @param reason why, as the caller said
     * @param startedAt when the step started
     * @param finishedAt when it ended
     * @param duration how long it took
     * @param rowsArchived rows archived by the step
     * @param rowsRestored rows restored by the step
     * @param outcome whether it committed
     * @param message details: the error of a failed step, what a repair or stamp did
     */
    public record Entry(long id, UUID runId, String version, Direction direction, String dbUser, String osUser,
            String reason, Instant startedAt, Instant finishedAt, Duration duration, long rowsArchived,
            long rowsRestored, Outcome outcome, String message) {}
}
