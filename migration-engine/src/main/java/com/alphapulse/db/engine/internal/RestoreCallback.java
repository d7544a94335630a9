package com.alphapulse.db.engine.internal;

import com.alphapulse.db.engine.Direction;
import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.Outcome;
import com.alphapulse.db.engine.VersionRun;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * Restores archived data while Flyway applies a version again, and journals the version.
 *
 * <p>How Flyway 13 runs callbacks (verified against flyway-core 13.12.0 and by {@code RestoreCallbackTest}):
 * for a migration that runs in a transaction, {@code BEFORE_EACH_MIGRATE}, every
 * {@code AFTER_EACH_MIGRATE_STATEMENT}, {@code AFTER_EACH_MIGRATE} and Flyway's insert of the history row
 * all run on the migration's connection inside the migration's one transaction; so the restore, the
 * archive's retirement and the journal entry commit or roll back together with the version. For a
 * non-transactional migration (V009, CONCURRENTLY) the same events run on the same connection in
 * autocommit. {@code AFTER_EACH_MIGRATE_ERROR} runs after the failure, inside the failed transaction, so it
 * only records the failure; the engine journals it afterwards in a transaction of its own.
 *
 * <p>What is restored, and when, is {@link Archive}'s: a re-added column gets its archived values right after
 * the statement that adds it, before the script's own backfill; the backfill only fills NULLs, so rows that
 * were inserted while the version was rolled back get the spec's backfill, derived from already-restored
 * parents. A re-created table gets its archived rows just before the first later statement that does more
 * than build, seed or fix that table ({@code CREATE INDEX}/{@code ALTER TABLE}/{@code UPDATE}/{@code DELETE} on it,
 * {@code INSERT INTO} it): a
 * seed such as {@code INSERT INTO tenants ... VALUES (default tenant)} without {@code ON CONFLICT} then still
 * runs on an empty table, and the restore's upsert gives the seeded row its archived values; everything that
 * reads the table (a backfill, a foreign key of the next table) sees the restored rows. The end of the version
 * restores whatever is left, so a table created last is restored too, and re-asserts the restored rows and
 * column values, so the script's own later statements (which the first time saw only the seeds) do not win.
 */
final class RestoreCallback implements Callback {

    private final EngineSettings settings;
    private final UUID runId;
    private final List<VersionRun> runs = new ArrayList<>();
    private Instant started;
    private final Set<String> restoredTables = new HashSet<>();
    /** Tables the version re-created whose archived rows wait for the script to move past their seed. */
    private final Set<String> pendingTables = new LinkedHashSet<>();
    private boolean hasArchive;
    /** What the statement-by-statement restore of the current version had to say, for its journal entry. */
    private final List<String> notes = new ArrayList<>();
    private int inFlight = -1;
    private boolean inFlightOutsideTransaction;
    private final java.util.Map<Integer, Integer> failures = new java.util.HashMap<>();
    private int failedVersion = -1;
    private Instant failedAt;
    private Instant failedStarted;
    /** The running version when it is online ({@link Online}), else null. */
    private com.alphapulse.db.migrations.SchemaVersion online;
    private int cursor;
    private Online.Step step;
    private boolean holding;
    private boolean patient;
    private final List<VersionRun.Phase> phases = new ArrayList<>();
    private long holdStart;
    private long longestHold;
    private long statementStart;

    /** What ends the session-level timeouts of a version that ran outside a transaction. */
    static final List<String> RESET_TIMEOUTS = List.of("RESET lock_timeout", "RESET statement_timeout");

    /**
     * The engine's timeouts for a version, first thing in it and again after a script's own {@code SET LOCAL}:
     * transaction-local ({@code local}) in a transactional version, for the session outside a transaction.
     */
    static Sql.Bound timeouts(EngineSettings s, boolean local) {
        return new Sql.Bound("SELECT set_config('lock_timeout', ?, ?), set_config('statement_timeout', ?, ?)",
                Sql.millis(s.lockTimeout()), local, Sql.millis(s.statementTimeout()), local);
    }

    RestoreCallback(EngineSettings settings, UUID runId) {
        this.settings = settings;
        this.runId = runId;
    }

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_EACH_MIGRATE || event == Event.BEFORE_EACH_MIGRATE_STATEMENT
                || event == Event.AFTER_EACH_MIGRATE_STATEMENT
                || event == Event.AFTER_EACH_MIGRATE_STATEMENT_ERROR
                || event == Event.AFTER_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE_ERROR;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public String getCallbackName() {
        return "alphapulse-restore";
    }

    @Override
    public void handle(Event event, Context context) {
        MigrationInfo info = context.getMigrationInfo();
        if (info == null || info.getVersion() == null) {
            return;
        }
        int version = HistoryTable.number(info.getVersion().getVersion());
        Connection c = context.getConnection();
        try {
            switch (event) {
                case BEFORE_EACH_MIGRATE -> {
                    Interruptions.check("version " + Targets.label(version) + " started");
                    AdvisoryLock.requireHeld(c);
                    settings.progress().accept("apply " + Targets.label(version) + " " + info.getDescription());
                    started = Instant.now();
                    restoredTables.clear();
                    pendingTables.clear();
                    notes.clear();
                    hasArchive = Archive.has(c, version);
                    inFlight = version;
                    // Flyway runs a non-transactional migration (V009) in autocommit: a failure leaves it part-done.
                    inFlightOutsideTransaction = c.getAutoCommit();
                    // Transaction-local, like a downgrade step's, or for the session while a version runs outside a
                    // transaction (reset when it is done); the scripts may still set their own lock_timeout.
                    timeouts(settings, !inFlightOutsideTransaction).execute(c);
                    online = null;
                    phases.clear();
                    longestHold = 0;
                    if (!inFlightOutsideTransaction) {
                        // The version's strong locks, all of them, before its first statement: with autovacuum or a
                        // long reader in the way the script itself would hold the first tables' locks while it
                        // waits for the next, and the application would queue behind them.
                        com.alphapulse.db.migrations.SchemaVersion v = settings.migrations()
                                .get(com.alphapulse.db.migrations.Version.of(version)).orElse(null);
                        java.util.Map<String, String> locks = v == null ? java.util.Map.of() : Online.versionLocks(c, v);
                        if (!locks.isEmpty()) {
                            Online.lockInTransaction(c, settings, locks);
                        }
                        // the blocking window starts when the strong locks are granted (waiting for SHARE UPDATE
                        // EXCLUSIVE blocks no one)
                        holdStart = System.nanoTime();
                    }
                    if (inFlightOutsideTransaction) {
                        com.alphapulse.db.migrations.SchemaVersion v = settings.migrations()
                                .get(com.alphapulse.db.migrations.Version.of(version)).orElse(null);
                        online = v != null && Online.online(v) ? v : null;
                        cursor = 0;
                    }
                    // What an abandoned version leaves decides its row, as the failure path below would write it.
                    Outcome abandoned = inFlightOutsideTransaction && online == null ? Outcome.FAILED : Outcome.INTERRUPTED;
                    InFlight.start(settings, new Journal.Step(runId, com.alphapulse.db.migrations.Version.of(version), Direction.UP,
                            started, null, 0, 0, abandoned, null), abandoned, !inFlightOutsideTransaction
                                    ? "the server rolls the version's transaction back once it notices the client gone"
                                    : online != null ? "it runs online and resumes where it stopped: run upgrade again"
                                    : "it runs outside a transaction and keeps what it did: run repair, then upgrade again");
                }
                case BEFORE_EACH_MIGRATE_STATEMENT -> {
                    if (online != null) {
                        Interruptions.check("the next statement of " + Targets.label(version) + " (it resumes there)");
                    }
                    if (inFlightOutsideTransaction) {
                        // each statement commits by itself: the last point not to run one beside the lock's new owner
                        AdvisoryLock.requireHeld(c);
                    }
                    statementStart = System.nanoTime();
                    beforeStatement(c, version, context.getStatement().getSql());
                    if (online != null) {
                        beforeOnlineStatement(c, version, context.getStatement().getSql());
                    }
                }
                case AFTER_EACH_MIGRATE_STATEMENT -> {
                    if (inFlightOutsideTransaction && online == null
                            && !Online.locks(Script.statement(context.getStatement().getSql())).isEmpty()) {
                        // outside a transaction each statement's locks end with it: the longest such statement is the window
                        longestHold = Math.max(longestHold, System.nanoTime() - statementStart);
                    }
                    if (!inFlightOutsideTransaction && Script.isEngineSetting(context.getStatement().getSql())) {
                        // A script's own SET LOCAL lock_timeout (written for plain Flyway) would let this version
                        // queue ahead of the application for longer than the engine allows; the engine's wins.
                        timeouts(settings, true).execute(c);
                    }
                    afterOnlineStatement(c, true);
                    afterStatement(c, version, context.getStatement().getSql());
                }
                case AFTER_EACH_MIGRATE_STATEMENT_ERROR -> afterOnlineStatement(c, false);
                case AFTER_EACH_MIGRATE -> afterVersion(c, version, info);
                case AFTER_EACH_MIGRATE_ERROR -> {
                    if (inFlightOutsideTransaction) {
                        resetSessionTimeouts(c);
                    }
                    failures.merge(version, 1, Integer::sum);
                    failedVersion = version;
                    failedStarted = started == null ? Instant.now() : started;
                    failedAt = Instant.now();
                }
                default -> {
                    // not subscribed
                }
            }
        } catch (SQLException | RuntimeException e) {
            throw new FlywayException("the engine's work on version " + Targets.label(version)
                    + " (locks, batches, restore of archived data) failed: " + Errors.describe(e), e);
        }
    }

    /** Records the step, then batches it, or takes its locks, or lets it wait patiently: see {@link Online}. */
    private void beforeOnlineStatement(Connection c, int version, String sql) throws SQLException {
        step = Online.step(online, sql, cursor);
        if (step == null) {
            return;
        }
        cursor = step.ordinal();
        Online.reached(c, version, step, null);
        settings.progress().accept("  " + Targets.label(version) + " step " + step.ordinal() + "/" + Online.steps(online).size()
                + ": " + step.phase());
        if (step.batch()) {
            Online.batches(c, settings, version, step, phases);
        } else if (!step.locks().isEmpty()) {
            Online.lock(c, settings, step.locks());
            holding = true;
            holdStart = System.nanoTime();
        } else if (step.patient()) {
            Online.sessionLockTimeout(settings.statementTimeout()).execute(c);
            patient = true;
        }
    }

    /**
     * The session-level timeouts a version outside a transaction ran with go, whatever happened: Flyway's
     * connection may be a pooled one that the application gets next.
     */
    private static void resetSessionTimeouts(Connection c) {
        try {
            if (!c.isClosed()) {
                for (String reset : RESET_TIMEOUTS) {
                    Sql.execute(c, reset);
                }
            }
        } catch (SQLException ignored) {
            // a broken session takes its settings with it
        }
    }

    private void afterOnlineStatement(Connection c, boolean succeeded) throws SQLException {
        if (holding) {
            holding = false;
            Online.release(c, succeeded);
            longestHold = Math.max(longestHold, System.nanoTime() - holdStart);
        }
        if (patient) {
            patient = false;
            if (succeeded) {
                Online.sessionLockTimeout(settings.lockTimeout()).execute(c);
            }
        }
    }

    private void beforeStatement(Connection c, int version, String sql) throws SQLException {
        if (pendingTables.isEmpty() || onlyBuildsPendingTables(sql)) {
            return;
        }
        restorePendingTables(c, version);
    }

    /** Whether {@code sql} only seeds or builds tables whose rows are still to be restored. */
    private boolean onlyBuildsPendingTables(String sql) {
        String insert = Script.insertTarget(sql);
        if (insert != null) {
            return pendingTables.contains(insert);
        }
        List<Script.Effect> effects = Script.statement(sql).effects();
        return !effects.isEmpty() && effects.stream().allMatch(e -> e.kind() != Script.Kind.CREATE_TABLE
                && e.kind() != Script.Kind.DROP_TABLE && pendingTables.contains(e.table()));
    }

    private void restorePendingTables(Connection c, int version) throws SQLException {
        for (String table : pendingTables) {
            long archived = Archive.archivedRows(c, version, table);
            StepProgress.timed(settings.progress(), "restored table " + table, "row(s)", () -> {
                notes.addAll(Archive.restoreTable(c, version, table));
                return archived;
            });
            restoredTables.add(table);
        }
        pendingTables.clear();
    }

    private void afterStatement(Connection c, int version, String sql) throws SQLException {
        if (!hasArchive) {
            return;
        }
        for (Script.Effect e : Script.statement(sql).effects()) {
            if (e.kind() == Script.Kind.CREATE_TABLE && !restoredTables.contains(e.table()) && Catalog.tableExists(c, e.table())
                    && Archive.hasTable(c, version, e.table())) {
                pendingTables.add(e.table());
            } else if (e.kind() == Script.Kind.ADD_COLUMN && online != null) {
                String what = "restore " + e.table() + "." + e.name();
                long total = Archive.archivedValues(c, version, e.table(), e.name());
                if (total == 0) {
                    continue;
                }
                long t0 = System.nanoTime();
                long[] last = {t0};
                Sql.ctx(c).execute("UPDATE " + EngineSchema.ONLINE_PROGRESS + " SET phase = ?, rows_total = ?, rows_done = 0, "
                        + "updated_at = now() WHERE version = ? AND step = ?", what, total, version, step == null ? 0 : step.ordinal());
                int ordinal = step == null ? 0 : step.ordinal();
                Archive.restoreColumnInBatches(c, version, e.table(), e.name(), passed -> {
                    Sql.ctx(c).execute("UPDATE " + EngineSchema.ONLINE_PROGRESS + " SET rows_done = ?, updated_at = now() "
                            + "WHERE version = ? AND step = ?", Math.min(passed, total), version, ordinal);
                    long now = System.nanoTime();
                    if (last[0] == t0 || now - last[0] > 2_000_000_000L) {
                        last[0] = now;
                        settings.progress().accept(Online.line(what, Math.min(passed, total), total, passed, now - t0, false));
                    }
                });
                settings.progress().accept(Online.line(what, total, total, total, System.nanoTime() - t0, true));
                phases.add(new VersionRun.Phase(what, total, Duration.ofNanos(System.nanoTime() - t0)));
            } else if (e.kind() == Script.Kind.ADD_COLUMN) {
                StepProgress.timed(settings.progress(), "restored " + e.table() + "." + e.name(), "value(s)", () -> Archive.restoreColumn(c, version, e.table(), e.name()));
            }
        }
    }

    private void afterVersion(Connection c, int version, MigrationInfo info) throws SQLException {
        if (hasArchive) {
            restorePendingTables(c, version);
        }
        Archive.Settled settled = hasArchive ? Archive.settle(c, version, restoredTables, notes)
                : new Archive.Settled(0, 0, List.of(), List.of());
        if (online != null) {
            Online.finished(c, version);
        }
        if (inFlightOutsideTransaction) {
            resetSessionTimeouts(c);
        }
        Instant finished = Instant.now();
        Instant from = started == null ? finished : started;
        List<String> message = new ArrayList<>();
        if (settled.skipped() > 0) {
            message.add("restored " + settled.restored() + " archived row(s), skipped " + settled.skipped()
                    + " that no longer apply, kept in the archive: " + String.join("; ", settled.skippedDetail()));
        }
        message.addAll(settled.notes());
        if (!inFlightOutsideTransaction) {
            // A transactional version's last chance not to commit beside another run, or after it was abandoned. Outside a
            // transaction its statements are committed already: throwing here would only lose its history row (Flyway
            // calls this outside its error handling), so the next version's start stops the run instead.
            AdvisoryLock.requireHeld(c);
            if (!InFlight.claim(settings)) {
                throw new MigrationException(com.alphapulse.db.engine.MigrationException.Code.INTERRUPTED,
                        "abandoned before its commit (journaled INTERRUPTED)");
            }
        } else {
            InFlight.claim(settings);
        }
        Journal.write(c, settings, new Journal.Step(runId, com.alphapulse.db.migrations.Version.of(version), Direction.UP, from, finished, 0, settled.restored(),
                Outcome.SUCCESS, message.isEmpty() ? null : String.join("; ", message)));
        runs.add(new VersionRun(com.alphapulse.db.migrations.Version.of(version), info.getDescription(), Direction.UP,
                Duration.between(from, finished), 0, settled.restored(), 1 + failures.getOrDefault(version, 0),
                List.of(), settled.skipped(), Duration.ofNanos(inFlightOutsideTransaction ? longestHold : System.nanoTime() - holdStart),
                phases));
        inFlight = -1;
    }

    /** The versions applied so far, each with its measured duration (restore included). */
    List<VersionRun> runs() {
        return List.copyOf(runs);
    }

    /** The version that failed, -1 for none. */
    int failedVersion() {
        return failedVersion;
    }

    Instant failedStarted() {
        return failedStarted;
    }

    Instant failedAt() {
        return failedAt;
    }

    /** The version that started and did not finish, -1 for none. */
    int inFlight() {
        return inFlight;
    }

    /** Whether {@link #inFlight()} ran outside a transaction, so that a failure left it part-way. */
    boolean inFlightOutsideTransaction() {
        return inFlight > 0 && inFlightOutsideTransaction;
    }

    /** Forgets a failure, before a retry. */
    void clearFailure() {
        failedVersion = -1;
        inFlight = -1;
    }
}
