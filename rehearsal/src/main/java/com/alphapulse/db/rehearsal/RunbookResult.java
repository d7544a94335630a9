package com.alphapulse.db.rehearsal;

import com.alphapulse.db.engine.Risk;
import com.alphapulse.db.migrations.Version;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The rollback runbook as data, written from the migrations' own metadata (their header comments and what
 * the undo scripts do) and the measured times of a rehearsal. A front end renders it, with its own command
 * syntax: nothing here says how a step is invoked.
 *
 * @param head the newest version of the set
 * @param versions one entry per version, newest first (the order a rollback takes)
 * @param fullRollbackTarget the version the complete rollback goes down to (the set's first, as rehearsed)
 * @param fullCycle the rehearsal's row of the complete rollback and recovery, or null when none was quoted or it has none
 * @param rehearsal the rehearsal quoted, or null when none was given
 * @param generatedAt when it was written
 */
public record RunbookResult(Version head, List<Entry> versions, Version fullRollbackTarget, RehearseResult.Row fullCycle,
        Rehearsal rehearsal, Instant generatedAt) {

    public RunbookResult {
        versions = List.copyOf(versions);
    }

    /** When the quoted rehearsal ended, or null when none is quoted. */
    public Instant rehearsalFinishedAt() {
        return rehearsal == null ? null : rehearsal.finishedAt();
    }

    /**
     * One version's rollback.
     *
     * @param version the version rolled back
     * @param description its description
     * @param below the version a rollback of it ends at ({@link Version#BASE} below the first)
     * @param header the forward script's leading comment, one line per comment line
     * @param risk the undo's data-loss risk before archiving
     * @param archived whether everything the undo drops is archived and restored exactly
     * @param actions what the undo does, one phrase each
     * @param losses what data the undo drops, one phrase each
     * @param locks the table locks the undo takes
     * @param warnings SECURITY warnings for a database left at {@code below}
     * @param undoHeader the undo script's leading comment, "" when it has none
     * @param measured the rehearsal's row of this version, or null when it was not rehearsed
     */
    public record Entry(Version version, String description, Version below, String header, Risk risk, boolean archived,
            List<String> actions, List<String> losses, List<String> locks, List<String> warnings, String undoHeader,
            RehearseResult.Row measured) {

        public Entry {
            actions = List.copyOf(actions);
            losses = List.copyOf(losses);
            locks = List.copyOf(locks);
            warnings = List.copyOf(warnings);
        }

        /** Data would be lost for good: the engine refuses this rollback unless the loss is accepted. */
        public boolean unarchivedLoss() {
            return risk != Risk.NONE && !archived;
        }
    }

    /**
     * The rehearsal the runbook quotes.
     *
     * @param finishedAt when it ended
     * @param database the scratch database it ran on
     * @param trades trades loaded before the first step
     * @param tenants tenants loaded
     * @param passed its verdict
     * @param recoveryTarget the target each recovery was held against
     */
    public record Rehearsal(Instant finishedAt, String database, long trades, int tenants, boolean passed,
            Duration recoveryTarget) {}
}
