package com.alphapulse.db.rehearsal;

import com.alphapulse.db.engine.Risk;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A rollback rehearsal: for each migration from head down to 005 one rollback and re-upgrade, then the full
 * head to 002 to head, each verified against the expected catalog and compared with data snapshots, and the
 * isolation probe at head.
 *
 * @param database the scratch database rehearsed on (host:port/name, no credentials)
 * @param headVersion the head version
 * @param data what was loaded before the first step
 * @param rows one row per rehearsed rollback, in the order run
 * @param probe the isolation probe at head after the last step
 * @param recoveryTarget the target each row's recovery time is held against
 * @param total the whole rehearsal, loading included
 * @param finishedAt when it ended
 * @param load the application load that ran during the rehearsal, or null when none ran
 */
public record RehearseResult(String database, String headVersion, LoadDemoDataResult data, List<Row> rows,
        Probe probe, Duration recoveryTarget, Duration total, Instant finishedAt, Load load) {

    public RehearseResult {
        rows = List.copyOf(rows);
    }

    /** A rehearsal without application load. */
    public RehearseResult(String database, String headVersion, LoadDemoDataResult data, List<Row> rows,
            Probe probe, Duration recoveryTarget, Duration total, Instant finishedAt) {
        this(database, headVersion, data, rows, probe, recoveryTarget, total, finishedAt, null);
    }

    /**
     * The application load that ran during a rehearsal.
     *
     * @param clients client threads run
     * @param tables the tables they read and wrote (those whose single-column primary key is the same at every
     *     version that has them, those present at every version first)
     * @param transactions transactions committed or rolled back
     * @param missing statements that found their table, column or row absent at the version of the moment (or whose
     *     cached plan the migration had just invalidated); expected while rolled back, not errors
     * @param errors statements that failed otherwise
     * @param errorSamples the first few of those errors, one line each
     * @param maxWait the longest transaction of the whole rehearsal
     */
    public record Load(int clients, List<String> tables, long transactions, long missing, long errors,
            List<String> errorSamples, Duration maxWait) {
        public Load {
            tables = List.copyOf(tables);
            errorSamples = List.copyOf(errorSamples);
        }
    }

    /**
     * One rollback and its recovery.
     *
     * @param migration what was rolled back, e.g. "009" or "009 -> 002"
     * @param from the version before the rollback
     * @param to the version rolled back to
     * @param risk the plan's data-loss risk of the rollback (before archiving)
     * @param rollback time of the downgrade
     * @param upgrade time of the re-upgrade
     * @param recovery from the start of the rollback to the verified re-upgrade
     * @param verifiedAfterRollback the catalog matched {@code to} exactly
     * @param verifiedAfterUpgrade the catalog matched {@code from} exactly
     * @param findings verification findings, if any
     * @param dataIntact snapshots before the rollback, while rolled back and after the re-upgrade agree
     * @param differences snapshot differences, if any
     * @param rowsArchived rows the downgrade archived
     * @param rowsRestored rows the upgrade restored
     * @param error the failure that stopped this row, or null
     * @param maxAppWait the longest application transaction that overlapped the rollback and re-upgrade, or null
     *     when no load ran
     * @param p99AppWait the 99th percentile of those transactions, or null when no load ran
     */
    public record Row(String migration, String from, String to, Risk risk, Duration rollback, Duration upgrade,
            Duration recovery, boolean verifiedAfterRollback, boolean verifiedAfterUpgrade, List<String> findings,
            boolean dataIntact, List<String> differences, long rowsArchived, long rowsRestored, String error,
            Duration maxAppWait, Duration p99AppWait) {

        public Row {
            findings = List.copyOf(findings);
            differences = List.copyOf(differences);
        }

        /** A row measured without application load. */
        public Row(String migration, String from, String to, Risk risk, Duration rollback, Duration upgrade,
                Duration recovery, boolean verifiedAfterRollback, boolean verifiedAfterUpgrade, List<String> findings,
                boolean dataIntact, List<String> differences, long rowsArchived, long rowsRestored, String error) {
            this(migration, from, to, risk, rollback, upgrade, recovery, verifiedAfterRollback, verifiedAfterUpgrade,
                    findings, dataIntact, differences, rowsArchived, rowsRestored, error, null, null);
        }

        /** Verified both ways, nothing lost, no error. */
        public boolean passed() {
            return error == null && verifiedAfterRollback && verifiedAfterUpgrade && dataIntact;
        }
    }

    /**
     * The isolation probe's outcome.
     *
     * @param passed every check passed
     * @param checks how many checks ran
     * @param failures the failed checks, one line each
     */
    public record Probe(boolean passed, int checks, List<String> failures) {
        public Probe {
            failures = List.copyOf(failures);
        }
    }

    /** Every row recovered within the target. */
    public boolean withinTarget() {
        return rows.stream().allMatch(r -> r.recovery() != null && r.recovery().compareTo(recoveryTarget) <= 0);
    }

    /** Every row passed, the probe passed, and every recovery met the target. */
    public boolean passed() {
        return !rows.isEmpty() && rows.stream().allMatch(Row::passed) && probe != null && probe.passed() && withinTarget();
    }

    /** The longest recovery of any row. */
    public Duration worstRecovery() {
        return rows.stream().map(Row::recovery).filter(d -> d != null).max(Duration::compareTo).orElse(Duration.ZERO);
    }
}
