package com.alphapulse.db.engine.internal;

import com.alphapulse.db.migrations.Version;
import com.alphapulse.db.engine.Direction;
import com.alphapulse.db.engine.DowngradeOptions;
import com.alphapulse.db.engine.DowngradeResult;
import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.MigrationException.Code;
import com.alphapulse.db.engine.Outcome;
import com.alphapulse.db.engine.PlanResult;
import com.alphapulse.db.engine.Risk;
import com.alphapulse.db.engine.VersionRun;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Downgrades and plans. Each version is undone in one transaction together with its archive, its history
 * row's removal and its journal entry:
 *
 * <pre>
 * BEGIN; set_config(lock_timeout, statement_timeout, row_security off) LOCAL
 *   LOCK the tables whose data the undo drops IN ACCESS EXCLUSIVE MODE
 *   archive what the undo drops -> undo script -> DELETE its flyway_schema_history row -> journal DOWN
 * COMMIT
 * </pre>
 *
 * so a crash or a killed session leaves the database at a whole version with history and journal agreeing,
 * and running the command again finishes the job. A lock timeout or a deadlock (55P03, 40P01) rolls the version
 * back and retries it with jittered exponential backoff; the version's locks are never held while waiting.
 */
public final class Downgrader {

    private static final String APPLICATION = "alphapulse-migration-engine";

    private Downgrader() {}

    public static PlanResult plan(EngineSettings s, String targetText) {
        Instant start = Instant.now();
        Connection c = Connections.open(s);
        try {
            AdvisoryLock.settlePrevious(s);
            HistoryTable.State state = requireHistory(c, s);
            Version target = Targets.downgrade(s.migrations(), targetText, state.current());
            Privileges.requireForDowngrade(c, "plan", Planner.undoScripts(s, Planner.versionsToUndo(s, state.current(), target)).values());
            return Planner.plan(c, s, state.current(), target, state.failed(), start).result();
        } catch (SQLException | RuntimeException e) {
            throw Errors.translate(s, "cannot plan the downgrade", e);
        } finally {
            Connections.closeQuietly(c);
        }
    }

    public static com.alphapulse.db.engine.PlanSqlResult planSql(EngineSettings s, String targetText) {
        Instant start = Instant.now();
        Connection c = Connections.open(s);
        try {
            HistoryTable.State state = requireHistory(c, s);
            Version target = Targets.downgrade(s.migrations(), targetText, state.current());
            Privileges.requireForDowngrade(c, "plan", Planner.undoScripts(s, Planner.versionsToUndo(s, state.current(), target)).values());
            Planner.Plan plan = Planner.plan(c, s, state.current(), target, state.failed(), start);
            return new com.alphapulse.db.engine.PlanSqlResult(plan.result(), script(c, s, state, plan));
        } catch (SQLException | RuntimeException e) {
            throw Errors.translate(s, "cannot plan the downgrade", e);
        } finally {
            Connections.closeQuietly(c);
        }
    }

    /**
     * The statements {@link #run} would execute for {@code plan}, from the producers the run itself executes
     * ({@link #settings}, {@link #lockStatements}, {@link Archive#rowSecurity}, {@link HistoryTable#deleteVersionStatements},
     * {@link #forgetProgress}, {@link Journal#insert}, {@link AdvisoryLock#TRY_LOCK}), in the run's order. Table locks
     * and the row-security lift are decided as the run decides them, on the catalog the step starts from
     * ({@link StepCatalog}): the live one for the first version's transaction, the expected catalog of its version for
     * each later one; the archive's copies depend on the rows and are described in comments.
     */
    static String script(Connection c, EngineSettings s, HistoryTable.State state, Planner.Plan plan) throws SQLException {
        List<String> out = new ArrayList<>();
        PlanResult r = plan.result();
        out.add("-- downgrade " + r.fromVersion().label() + " -> " + r.toVersion().label() + ", risk " + r.risk()
                + ": the statements the engine runs, in order; nothing was changed to produce this");
        if (r.blocked()) {
            out.add("-- BLOCKED, a downgrade would be refused before it starts: " + String.join("; ", r.blockers()));
        }
        if (plan.steps().isEmpty()) {
            out.add("-- nothing to undo");
            return String.join("\n", out) + "\n";
        }
        out.add("-- the migration lock, on a session of its own held for the whole run (a second run is refused at once)");
        out.add(AdvisoryLock.NAME_SESSION.inline());
        out.add(AdvisoryLock.TRY_LOCK.inline());
        UUID runId = new UUID(0, 0);
        for (int i = 0; i < plan.steps().size(); i++) {
            Planner.Step step = plan.steps().get(i);
            // What the run reads at this step: the live catalog for the first one; for a later one, the catalog of the
            // version it starts from, which the steps before it will have made (after an undo of 008 nothing is forced
            // any more, and a table an earlier step dropped is neither locked nor lifted).
            StepCatalog at = i == 0 ? StepCatalog.live(c) : StepCatalog.expected(c, s.migrations(), step.version().version());
            StepCatalog after = StepCatalog.expected(c, s.migrations(), s.migrations().previous(step.version().version()));
            out.add("");
            out.add("-- undo " + step.version().version().label() + " " + step.version().description() + ", risk " + step.summary().risk());
            if (!builtBefore(step).isEmpty()) {
                // the session's own values, which each build's settings are returned to: this connection's are the run's
                String timeout = (String) Sql.value(c, "SELECT current_setting('statement_timeout')");
                String path = (String) Sql.value(c, "SELECT current_setting('search_path')");
                for (Script.Statement st : builtBefore(step)) {
                    out.add("-- before the transaction, autocommit, patiently (within statement_timeout " + Sql.millis(s.statementTimeout())
                            + "): the index is built while the application goes on (an INVALID one an interrupted build left is dropped first)");
                    out.add(buildSession(Sql.millis(s.statementTimeout()), HistoryTable.SCHEMA).inline());
                    out.add(statement(st.sql()));
                    out.add(buildSession(timeout, path).inline());
                }
            }
            List<PlanResult.Statement> lost = step.summary().statements().stream()
                    .filter(st -> st.risk() != Risk.NONE && st.archivable()).toList();
            boolean columns = step.statements().stream().flatMap(st -> st.effects().stream()).anyMatch(e -> e.kind() == Script.Kind.DROP_COLUMN);
            if (columns) {
                out.add("-- before the transaction, autocommit: a delta trigger on each table whose column is dropped, then the "
                        + "column's values copied into " + EngineSchema.SCHEMA + " in primary-key batches (short transactions); "
                        + "under the locks below only the rows changed since are archived again, and the triggers dropped");
            }
            out.add("BEGIN;");
            out.add(settings(s, step).inline());
            lockStatements(at, step.statements()).forEach(l -> out.add(l + ";"));
            List<String> lifted = at.rowSecurityFiltered(touchedTables(at, step));
            if (!lifted.isEmpty()) {
                out.add("-- forced row-level security lifted for this transaction, so that the archive and the undo see every tenant's rows");
            }
            lifted.forEach(t -> out.add(Archive.rowSecurity(t, false) + ";"));
            for (PlanResult.Statement st : lost) {
                out.add("-- archive into " + EngineSchema.SCHEMA + " what the next statement(s) drop: " + st.dataLoss());
            }
            for (Script.Statement st : inTransaction(step)) {
                out.add(statement(st.sql()));
            }
            for (String t : Archive.forcedAgain(lifted, ownRowSecurity(step), after)) {
                out.add(Archive.rowSecurity(t, true) + ";");
            }
            HistoryTable.deleteVersionStatements(state, step.version().version()).forEach(d -> out.add(d.inline()));
            out.add(forgetProgress(step).inline());
            out.add("-- the journal row (this run's id, times and archived row count)");
            Instant now = Instant.now();
            out.add(Journal.insert(s, new Journal.Step(runId, step.version().version(), Direction.DOWN, now, now, 0, 0,
                    Outcome.SUCCESS, null)).inline());
            out.add("COMMIT;");
        }
        out.add("");
        out.add(AdvisoryLock.UNLOCK.inline());
        out.add(AdvisoryLock.RESET_NAME + ";");
        return String.join("\n", out) + "\n";
    }

    /** A script statement as one line-group ending in {@code ;}. */
    static String statement(String sql) {
        String t = sql.strip();
        return t.endsWith(";") ? t : t + ";";
    }

    // The advisory lock is held by scope alone: try-with-resources releases it however the run ends.
    @SuppressWarnings("try")
    public static DowngradeResult run(EngineSettings s, String targetText, DowngradeOptions options) {
        Instant start = Instant.now();
        Connection c = Connections.open(s);
        try {
            HistoryTable.State state = requireHistory(c, s);
            Version target = Targets.downgrade(s.migrations(), targetText, state.current());
            Privileges.requireForDowngrade(c, "downgrade",
                    Planner.undoScripts(s, Planner.versionsToUndo(s, state.current(), target)).values());
            FlywaySupport.verifyApplied(s);
            try (AdvisoryLock lock = AdvisoryLock.acquire(s, "downgrade")) {
                // Re-read under the lock: another run may have moved the database since.
                state = requireHistory(c, s);
                target = Targets.downgrade(s.migrations(), targetText, state.current());
                // Under the advisory lock (a second run is refused LOCKED at once instead of reading a catalog another
                // run is changing) but before any table lock. A failed version is refused by the plan with repair's
                // advice instead, which beats a list of what it left.
                if (!options.force() && state.failed().isEmpty()) {
                    CatalogCheck.requireMatch(s, "downgrade", state.current());
                }
                java.util.Optional<com.alphapulse.db.engine.StatusResult.InProgress> running = Online.inProgress(c, s, state);
                if (running.isPresent()) {
                    throw new MigrationException(Code.PRECONDITION_FAILED, "downgrade refused: " + running.get().describe()
                            + "; the database is between " + state.current().label() + " and " + running.get().version().label()
                            + ", and no undo script is written for that; run upgrade " + running.get().version().label()
                            + " to finish it, then downgrade; nothing was changed");
                }
                Planner.Plan plan = Planner.plan(c, s, state.current(), target, state.failed(), start);
                refuseIfNeeded(plan, options);
                List<VersionRun> runs = new ArrayList<>();
                if (!plan.steps().isEmpty()) {
                    EngineSchema.ensure(c);
                    UUID runId = UUID.randomUUID();
                    for (Planner.Step step : plan.steps()) {
                        if (Thread.currentThread().isInterrupted()) {
                            Version at = runs.isEmpty() ? state.current() : s.migrations().previous(runs.get(runs.size() - 1).version());
                            throw interruptedBefore(s, runId, step, at);
                        }
                        runs.add(undo(c, s, step, options, runId));
                    }
                }
                return new DowngradeResult(plan.result().fromVersion(), plan.result().toVersion(), plan.result().risk(), runs,
                        plan.result().warnings(), Duration.between(start, Instant.now()));
            }
        } catch (SQLException | RuntimeException e) {
            throw Errors.translate(s, "downgrade failed", e);
        } finally {
            InFlight.end(s);
            Connections.closeQuietly(c);
        }
    }

    /**
     * The version {@code targetText} names from the recorded one, reading only the history: what a progress line
     * says before the run ({@code -1} from 011 is 010).
     */
    public static Version target(EngineSettings s, String targetText, boolean down) {
        Connection c = Connections.open(s);
        try {
            HistoryTable.State state = down ? requireHistory(c, s) : HistoryTable.state(c);
            // as upgrade does before reading a target: versions newer than the set are UNKNOWN_VERSION, and would
            // otherwise make "+1" look like a target beyond head (INVALID_TARGET)
            HistoryTable.requireKnown(state, s.migrations());
            return down ? Targets.downgrade(s.migrations(), targetText, state.current())
                    : Targets.upgrade(s.migrations(), targetText, state.current());
        } catch (SQLException | RuntimeException e) {
            throw Errors.translate(s, "cannot resolve the target " + targetText, e);
        } finally {
            Connections.closeQuietly(c);
        }
    }

    static HistoryTable.State requireHistory(Connection c, EngineSettings s) throws SQLException {
        HistoryTable.State state = HistoryTable.state(c);
        if (!state.exists()) {
            throw new MigrationException(Code.NO_HISTORY, "the database has no " + HistoryTable.QUALIFIED
                    + " table, so no version is recorded; upgrade it, or stamp the version it is at");
        }
        HistoryTable.requireKnown(state, s.migrations());
        return state;
    }

    private static void refuseIfNeeded(Planner.Plan plan, DowngradeOptions options) {
        PlanResult r = plan.result();
        if (r.blocked()) {
            throw new MigrationException(Code.PRECONDITION_FAILED, "downgrade " + r.fromVersion() + " -> " + r.toVersion()
                    + " refused before it started: " + String.join("; ", r.blockers()) + "; nothing was changed");
        }
        if (r.unrecoverableRisk(options.archive()) != Risk.NONE && !options.acceptDataLoss()) {
            List<String> lost = new ArrayList<>();
            for (PlanResult.Step step : r.steps()) {
                for (PlanResult.Statement st : step.statements()) {
                    if (st.risk() != Risk.NONE && !(options.archive() && st.archivable())) {
                        lost.add(st.dataLoss() + " (undo " + step.version() + ", risk " + st.risk() + ")");
                    }
                }
            }
            throw new MigrationException(Code.DATA_LOSS_REFUSED, "downgrade " + r.fromVersion() + " -> " + r.toVersion()
                    + " would lose data that is not archived: " + String.join("; ", lost)
                    + (options.archive() ? "" : "; archiving is off")
                    + "; accept the loss explicitly to proceed, nothing was changed");
        }
    }

    private static VersionRun undo(Connection c, EngineSettings s, Planner.Step step, DowngradeOptions options,
            UUID runId) throws SQLException {
        int version = step.version().number();
        int attempt = 0;
        // Why each earlier attempt was rolled back ("deadlock", "lock not granted"), for the journal.
        List<String> retried = new ArrayList<>();
        List<VersionRun.Phase> phases = new ArrayList<>();
        // A run resumed after a pause past the stale time must not touch the archive, triggers or indexes of the run
        // that took its lock over; and from here on the step is in flight for abandon, the work before its
        // transaction included.
        AdvisoryLock.requireHeld(c);
        InFlight.start(s, new Journal.Step(runId, step.version().version(), Direction.DOWN, Instant.now(), null, 0, 0,
                Outcome.INTERRUPTED, null), Outcome.INTERRUPTED, "what the undo did before its transaction (an online "
                + "archive's copy and trigger, indexes built concurrently) may be left, its transaction is rolled back by the "
                + "server once it notices the client gone: run status, then the command again");
        // The bulk of the archive is copied before the exclusive locks, while the application goes on; under them
        // only what changed since is archived again.
        Archive.Prearchived pre;
        if (options.archive()) {
            pre = prearchive(c, s, step, phases);
        } else {
            // an interrupted online archive's trigger depends on the column the undo drops
            Archive.dropDeltaTriggers(c, s);
            pre = new Archive.Prearchived(java.util.Map.of(), null);
        }
        List<String> built = buildIndexesConcurrently(c, s, step, phases);
        while (true) {
            attempt++;
            Instant t0 = Instant.now();
            List<String> notices = new ArrayList<>();
            long archived = 0;
            long lockedFrom = System.nanoTime();
            Duration lockedFor;
            s.progress().accept("undo " + step.version().label() + " " + step.version().description()
                    + (attempt > 1 ? " (attempt " + attempt + " of " + (s.lockRetries() + 1) + ")" : ""));
            try {
                InFlight.start(s, new Journal.Step(runId, step.version().version(), Direction.DOWN, t0, null, 0, 0,
                        Outcome.INTERRUPTED, null), Outcome.INTERRUPTED, "the server rolls the undo's transaction back once it "
                        + "notices the client gone (a statement that ignores cancellation runs to its end first)");
                c.setAutoCommit(false);
                // search_path as Flyway sets it for the forward scripts (defaultSchema public): the undo scripts name
                // tables unqualified, and a data source's currentSchema must not make them resolve elsewhere.
                settings(s, step).execute(c);
                lockedFrom = System.nanoTime();
                for (String lock : lockStatements(StepCatalog.live(c), step.statements())) {
                    Sql.execute(c, lock);
                }
                long forgotten = Archive.forgetDroppedTables(c, version, step.statements(), options.archive());
                // FORCE ROW LEVEL SECURITY binds the owner, and with row_security off every statement of the undo
                // that reads a tenant table fails, a foreign key's validation included (PostgreSQL checks it as the
                // current user); read as every tenant instead, the tables forced again before the commit.
                Set<String> touched = touchedTables(StepCatalog.live(c), step);
                Set<String> ownRowSecurity = ownRowSecurity(step);
                archived = Archive.acrossTenants(c, touched, ownRowSecurity, () -> {
                    long n = 0;
                    if (options.archive()) {
                        n = Archive.archive(c, version, step.statements(), s.progress(), pre);
                    } else {
                        Archive.discard(c, version);
                    }
                    for (Script.Statement st : inTransaction(step)) {
                        // The signal's cancel reaches only what ran when it came; the next statement stops here instead.
                        Interruptions.check("the next statement of the undo of " + step.version().label());
                        Sql.executeScriptStatement(c, st.sql(), notices);
                    }
                    return n;
                });
                HistoryTable.deleteVersion(c, step.version().version());
                // Progress rows an online run of it left (finished by plain Flyway afterwards) would read as "in progress"
                forgetProgress(step).execute(c);
                List<String> message = new ArrayList<>();
                if (attempt > 1) {
                    message.add("succeeded at attempt " + attempt + " (rolled back and retried after: " + String.join(", ", retried) + ")");
                }
                if (forgotten > 0) {
                    message.add("discarded " + forgotten + " archived row(s) of the table(s) this undo drops");
                }
                Journal.write(c, s, new Journal.Step(runId, step.version().version(), Direction.DOWN, t0, Instant.now(), archived, 0,
                        Outcome.SUCCESS, message.isEmpty() ? null : String.join("; ", message)));
                AdvisoryLock.requireHeld(c);
                if (!InFlight.claim(s)) {
                    throw new MigrationException(Code.INTERRUPTED, "abandoned before its commit (journaled INTERRUPTED)");
                }
                c.commit();
                lockedFor = Duration.ofNanos(System.nanoTime() - lockedFrom);
            } catch (SQLException | RuntimeException e) {
                Connections.rollbackQuietly(c);
                resetAutoCommit(c);
                // Interrupted (the CLI on a signal): whatever failed, the cause is the stop, and no retry follows.
                Code code = Thread.currentThread().isInterrupted() ? Code.INTERRUPTED : Errors.code(Errors.sqlState(e), Errors.describe(e));
                String conflict = Errors.lockConflict(e);
                if (code == Code.LOCK_TIMEOUT && attempt <= s.lockRetries()) {
                    Duration wait = s.backoff(attempt);
                    retried.add(conflict);
                    s.progress().accept("  " + conflictLine(s, conflict) + ", rolled back; retrying in " + wait.toMillis() + " ms");
                    if (Interruptions.sleep(wait)) {
                        continue;
                    }
                    code = Code.INTERRUPTED;
                }
                String what = "undo of " + step.version().label() + " rolled back";
                if (code == Code.INTERRUPTED) {
                    what = "undo of " + step.version().label() + " was interrupted and rolled back; the database stays at "
                            + step.version().label() + ", nothing of this version changed; run the command again to finish";
                } else if (code == Code.LOCK_TIMEOUT) {
                    what += " after " + attempt + " attempt(s) " + (Errors.DEADLOCK.equals(Errors.sqlState(e))
                            ? "(the last one ended by a deadlock with another session)"
                            : "waiting " + s.lockTimeout().toMillis() + " ms each for a lock (a long transaction holds one)")
                            + "; the database stays at " + step.version().label();
                }
                if (code == Code.LOCKED || e instanceof MigrationException m && m.code() == Code.LOCKED) {
                    // the run that took the lock over owns the archive, the triggers and the indexes now
                    code = Code.LOCKED;
                    what += "; nothing of the earlier work was cleaned up, it belongs to the run holding the lock now";
                } else {
                    abandon(c, s, version, pre);
                    what += dropBuilt(c, s, built);
                }
                MigrationException failure = code == Code.INTERRUPTED
                        ? new MigrationException(Code.INTERRUPTED, Errors.scrub(s, what), e) : Errors.translate(s, what, e);
                if (InFlight.claim(s)) {
                    Journal.writeFailure(s, new Journal.Step(runId, step.version().version(), Direction.DOWN, t0, Instant.now(), 0, 0,
                            code == Code.INTERRUPTED ? Outcome.INTERRUPTED : Outcome.FAILED, failure.getMessage()), failure);
                }
                throw failure;
            }
            // Committed: whatever happens from here must not be reported (or journaled) as a failed undo.
            resetAutoCommit(c);
            return new VersionRun(step.version().version(), step.version().description(), Direction.DOWN,
                    Duration.between(t0, Instant.now()), archived, 0, attempt, notices, 0, lockedFor, phases);
        }
    }

    /** Whether {@code st} builds an index CONCURRENTLY, which cannot run inside the undo's transaction. */
    private static boolean concurrentBuild(Script.Statement st) {
        return st.effects().stream().anyMatch(e -> e.kind() == Script.Kind.CREATE_INDEX && e.concurrently());
    }

    /**
     * Builds, before the undo's transaction and its exclusive locks, the indexes the undo script builds
     * CONCURRENTLY (typically a unique index that the script then attaches with {@code ADD CONSTRAINT … USING
     * INDEX}, instantly): the application keeps reading and writing while they are built, where an index built
     * under the undo's ACCESS EXCLUSIVE locks would stop it for as long as the build takes. A build waits for the
     * transactions that are already running, patiently (within statement_timeout); an INVALID index an interrupted
     * earlier build left under the same name is dropped first. Returns the indexes built by this run, which a
     * failed undo drops again (a global unique index left at the version being undone would change what the
     * application may insert).
     */
    private static List<String> buildIndexesConcurrently(Connection c, EngineSettings s, Planner.Step step,
            List<VersionRun.Phase> phases) throws SQLException {
        List<String> built = new ArrayList<>();
        for (Script.Statement st : step.statements()) {
            if (!concurrentBuild(st)) {
                continue;
            }
            Script.Effect e = st.effects().stream().filter(x -> x.kind() == Script.Kind.CREATE_INDEX).findFirst().orElseThrow();
            String name = e.name();
            Object valid = Sql.value(c, "SELECT i.indisvalid FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid "
                    + "JOIN pg_namespace n ON n.oid = x.relnamespace WHERE n.nspname = 'public' AND x.relname = ?", name);
            if (Boolean.TRUE.equals(valid)) {
                continue;
            }
            c.setAutoCommit(true);
            long t0 = System.nanoTime();
            String timeout = (String) Sql.value(c, "SELECT current_setting('statement_timeout')");
            String path = (String) Sql.value(c, "SELECT current_setting('search_path')");
            try {
                buildSession(Sql.millis(s.statementTimeout()), HistoryTable.SCHEMA).execute(c);
                if (valid != null) {
                    s.progress().accept("  dropping INVALID index " + name + " an interrupted build left");
                    Sql.execute(c, "DROP INDEX CONCURRENTLY IF EXISTS public." + Sql.ident(name));
                }
                // Checked here, inside the clean-up's reach: a signal that came between two builds must not let the
                // next one run to its end (the server finishes a CONCURRENTLY build even when the client is gone).
                Interruptions.check("the concurrent build of index " + name);
                AdvisoryLock.requireHeld(c);
                s.progress().accept("  building index " + name + " on " + e.table() + " concurrently, before the undo's locks");
                Sql.execute(c, st.sql());
                built.add(name);
            } catch (SQLException | RuntimeException failure) {
                // A failed concurrent build leaves its index behind, INVALID: dropped with the ones built before it.
                List<String> drop = new ArrayList<>(built);
                drop.add(name);
                String left = dropBuilt(c, s, drop);
                throw new MigrationException(failure instanceof MigrationException m ? m.code()
                        : Errors.code(Errors.sqlState(failure), Errors.describe(failure)),
                        Errors.scrub(s, "undo of " + step.version().label() + " could not build index " + name
                                + " concurrently; nothing was undone, the database stays at " + step.version().label() + left
                                + ": " + Errors.describe(failure)), failure);
            } finally {
                buildSession(timeout, path).execute(c);
            }
            phases.add(new VersionRun.Phase("build index " + name + " (concurrently)", 0, Duration.ofNanos(System.nanoTime() - t0)));
        }
        return built;
    }

    /** The session settings a concurrent index build runs with, and those it returns to afterwards. */
    static Sql.Bound buildSession(String statementTimeout, String searchPath) {
        return new Sql.Bound("SELECT set_config('statement_timeout', ?, false), set_config('search_path', ?, false)",
                statementTimeout, searchPath);
    }

    /** Drops the indexes {@link #buildIndexesConcurrently} built; best effort, says what is left. */
    private static String dropBuilt(Connection c, EngineSettings s, List<String> built) {
        List<String> left = new ArrayList<>();
        for (String name : built) {
            try {
                resetAutoCommit(c);
                c.setAutoCommit(true);
                Sql.execute(c, "DROP INDEX CONCURRENTLY IF EXISTS public." + Sql.ident(name));
            } catch (SQLException | RuntimeException e) {
                left.add(name);
            }
        }
        return left.isEmpty() ? "" : " (index(es) " + String.join(", ", left) + " built for it are left: drop them with DROP INDEX "
                + "CONCURRENTLY, or run the downgrade again, which uses them)";
    }

    private static Archive.Prearchived prearchive(Connection c, EngineSettings s, Planner.Step step, List<VersionRun.Phase> phases)
            throws SQLException {
        long t0 = System.nanoTime();
        // Named like the version's transaction, so that pg_stat_activity tells what waits.
        String name = (String) Sql.ctx(c).fetchValue("SELECT current_setting('application_name')");
        Sql.ctx(c).fetch("SELECT set_config('application_name', ?, false), set_config('row_security', 'off', false)",
                APPLICATION + " undo " + step.version().label());
        Archive.Prearchived pre;
        try {
            pre = Archive.prearchive(c, s, step.version().number(), step.statements());
        } finally {
            // row_security off: a policy must never silently hide rows from the archive (it fails instead)
            Sql.ctx(c).fetch("SELECT set_config('application_name', ?, false)", name);
            Sql.execute(c, "RESET row_security");
        }
        if (!pre.columns().isEmpty()) {
            phases.add(new VersionRun.Phase("archive " + String.join(", ", pre.columns().keySet()) + " (online)",
                    pre.rows(), Duration.ofNanos(System.nanoTime() - t0)));
        }
        return pre;
    }

    /** Best effort: the failure being reported matters more than a trigger left behind, which the next run replaces. */
    private static void abandon(Connection c, EngineSettings s, int version, Archive.Prearchived pre) {
        try {
            if (!pre.columns().isEmpty() && !c.isClosed()) {
                Archive.abandonPrearchive(c, s, version, pre);
            }
        } catch (SQLException | RuntimeException ignored) {
            // reported through the original failure; repair and the next downgrade drop the trigger
        }
    }

    /**
     * Takes ACCESS EXCLUSIVE, before anything is archived, on every table whose rows or column the undo drops,
     * and on the tables their dropped foreign keys reference (the drop takes those too), children before
     * parents: the order in which an application that writes a child row takes its locks (ROW EXCLUSIVE on the
     * child, then, through the foreign key, a key-share lock on the parent's row), so such a transaction can
     * never hold one of them while it waits for the other. Archiving under a weaker lock would let a
     * transaction commit rows between the archive and the drop, and they would be dropped unarchived; and
     * upgrading a read lock to an exclusive one later can deadlock. Waits at most lock_timeout, like the
     * statements.
     */
    static List<String> lockStatements(StepCatalog at, List<Script.Statement> statements) throws SQLException {
        Set<String> dropped = new LinkedHashSet<>();
        Set<String> parents = new LinkedHashSet<>();
        for (Script.Statement st : statements) {
            for (Script.Effect e : st.effects()) {
                if (e.kind() == Script.Kind.DROP_TABLE && at.tableExists(e.table())) {
                    dropped.add(e.table());
                    parents.addAll(at.referencedTables(e.table(), null));
                } else if (e.kind() == Script.Kind.DROP_COLUMN && at.columnExists(e.table(), e.name())) {
                    dropped.add(e.table());
                    parents.addAll(at.referencedTables(e.table(), e.name()));
                }
            }
        }
        parents.removeAll(dropped);
        dropped.addAll(parents);
        List<String> locks = new ArrayList<>();
        for (String table : childrenFirst(at, dropped)) {
            locks.add("LOCK TABLE " + Catalog.regclass(table) + " IN ACCESS EXCLUSIVE MODE");
        }
        return locks;
    }

    /**
     * The settings of a version's transaction. search_path as Flyway sets it for the forward scripts (defaultSchema
     * public): the undo scripts name tables unqualified, and a data source's currentSchema must not make them resolve
     * elsewhere.
     */
    static Sql.Bound settings(EngineSettings s, Planner.Step step) {
        return new Sql.Bound("SELECT set_config('lock_timeout', ?, true), set_config('statement_timeout', ?, true), "
                + "set_config('row_security', 'off', true), set_config('application_name', ?, true), "
                + "set_config('search_path', ?, true)",
                Sql.millis(s.lockTimeout()), Sql.millis(s.statementTimeout()),
                APPLICATION + " undo " + step.version().version().label(), HistoryTable.SCHEMA);
    }

    /** The undo script's statements that run inside the version's transaction, in order. */
    static List<Script.Statement> inTransaction(Planner.Step step) {
        return step.statements().stream().filter(st -> !st.engineSetting() && !concurrentBuild(st)).toList();
    }

    /** The undo script's CREATE INDEX CONCURRENTLY statements, built before the transaction. */
    static List<Script.Statement> builtBefore(Planner.Step step) {
        return step.statements().stream().filter(Downgrader::concurrentBuild).toList();
    }

    /** Progress rows an online run of the version left (finished by plain Flyway afterwards) would read as "in progress". */
    static Sql.Bound forgetProgress(Planner.Step step) {
        return new Sql.Bound("DELETE FROM " + EngineSchema.ONLINE_PROGRESS + " WHERE version = ?", step.version().version().number());
    }

    /** The existing tables the undo statements touch: those whose forced row-level security is lifted for the transaction. */
    static Set<String> touchedTables(StepCatalog at, Planner.Step step) throws SQLException {
        Set<String> touched = new LinkedHashSet<>();
        for (String t : Script.touchedTables(step.statements())) {
            if (at.tableExists(t)) {
                touched.add(t);
            }
        }
        return touched;
    }

    /** Tables whose row security the undo sets itself (an undo of 008): not forced again afterwards. */
    static Set<String> ownRowSecurity(Planner.Step step) {
        Set<String> own = new LinkedHashSet<>();
        for (Script.Statement st : step.statements()) {
            for (Script.Effect e : st.effects()) {
                if (e.kind() == Script.Kind.ROW_SECURITY && e.table() != null) {
                    own.add(e.table());
                }
            }
        }
        return own;
    }

    /**
     * {@code tables} ordered so that a table comes before every table of the set it references (the script's
     * order where the foreign keys leave it free; a reference cycle is broken in that order too).
     */
    static List<String> childrenFirst(Connection c, Set<String> tables) throws SQLException {
        return childrenFirst(StepCatalog.live(c), tables);
    }

    /** {@link #childrenFirst(Connection, Set)} on the catalog a downgrade step starts from. */
    static List<String> childrenFirst(StepCatalog at, Set<String> tables) throws SQLException {
        java.util.Map<String, Set<String>> parents = new java.util.LinkedHashMap<>();
        for (String t : tables) {
            Set<String> p = new LinkedHashSet<>(at.referencedTables(t, null));
            p.remove(t);
            p.retainAll(tables);
            parents.put(t, p);
        }
        List<String> order = new ArrayList<>();
        Set<String> remaining = new LinkedHashSet<>(tables);
        while (!remaining.isEmpty()) {
            // the first table no remaining table references: nothing still to lock is its child
            String next = remaining.stream()
                    .filter(t -> remaining.stream().noneMatch(o -> parents.get(o).contains(t)))
                    .findFirst().orElse(remaining.iterator().next());
            order.add(next);
            remaining.remove(next);
        }
        return order;
    }

    /** The progress line's start for a retried lock conflict: a deadlock and a lock timeout read differently. */
    static String conflictLine(EngineSettings s, String conflict) {
        return "deadlock".equals(conflict)
                ? "deadlock detected (PostgreSQL broke a lock cycle with another session by cancelling this step)"
                : "lock not granted within " + s.lockTimeout().toMillis() + " ms";
    }

    private static void resetAutoCommit(Connection c) {
        try {
            if (!c.isClosed()) {
                c.setAutoCommit(true);
            }
        } catch (SQLException ignored) {
            // a broken connection is reported through the original failure
        }
    }

    /** The run stopped between two versions: journaled like a step, so the journal shows where an interrupted run ended. */
    private static MigrationException interruptedBefore(EngineSettings s, UUID runId, Planner.Step step, Version at) {
        MigrationException failure = new MigrationException(Code.INTERRUPTED, "interrupted before the undo of "
                + step.version().label() + " started; the database is at " + at.label() + " (every version undone so far committed)");
        Instant now = Instant.now();
        Journal.writeFailure(s, new Journal.Step(runId, step.version().version(), Direction.DOWN, now, now, 0, 0,
                Outcome.INTERRUPTED, failure.getMessage()), failure);
        return failure;
    }
}
