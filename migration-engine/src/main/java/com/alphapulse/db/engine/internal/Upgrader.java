package com.alphapulse.db.engine.internal;

import com.alphapulse.db.migrations.Version;
import com.alphapulse.db.engine.Direction;
import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.MigrationException.Code;
import com.alphapulse.db.engine.Outcome;
import com.alphapulse.db.engine.UpgradeOptions;
import com.alphapulse.db.engine.UpgradeResult;
import com.alphapulse.db.engine.VersionRun;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Upgrades through Flyway's migrate, with {@link RestoreCallback} restoring archived data and
 * journaling each version inside the version's own transaction. A lock timeout or a deadlock (55P03, 40P01)
 * in a transactional version rolls only that version back (Flyway commits each version on its own), and the
 * run is retried with jittered backoff from where it stopped.
 */
public final class Upgrader {

    private Upgrader() {}

    // The advisory lock is held by scope alone: try-with-resources releases it however the run ends.
    @SuppressWarnings("try")
    public static UpgradeResult run(EngineSettings s, String targetText, UpgradeOptions options) {
        Instant start = Instant.now();
        Connection c = Connections.open(s);
        try {
            AdvisoryLock.settlePrevious(s);
            HistoryTable.State state = check(c, s);
            Version target = Targets.upgrade(s.migrations(), targetText, state.current());
            if (target.equals(state.current())) {
                return new UpgradeResult(state.current(), target, List.of(),
                        Duration.between(start, Instant.now()));
            }
            FlywaySupport.verifyApplied(s);
            try (AdvisoryLock lock = AdvisoryLock.acquire(s, "upgrade")) {
                state = check(c, s);
                target = Targets.upgrade(s.migrations(), targetText, state.current());
                Version from = state.current();
                Privileges.requireForUpgrade(c, pending(s, state, target));
                // Before anything changes, even the engine's own bookkeeping: a refused upgrade leaves all as it was.
                Preflight.requireForeignKeysHold(c, s, from, target);
                // Under the advisory lock (a second run is refused LOCKED at once instead of reading a catalog another
                // run is changing) but before any table lock; after check(), so a failed version gets repair's advice.
                Online.forgetApplied(c, state);
                resumeOnline(c, s, state);
                state = HistoryTable.state(c);
                if (!options.force()) {
                    refuseLeftovers(c, s, state);
                    Version following = next(s, from);
                    Version resuming = Online.inProgress(c, s, state).map(p -> p.version())
                            .filter(v -> online(s, v) && v.equals(following)).orElse(null);
                    CatalogCheck.requireMatch(s, "upgrade", from, resuming);
                }
                EngineSchema.ensure(c);
                RestoreCallback callback = new RestoreCallback(s, UUID.randomUUID());
                Flyway flyway = FlywaySupport.configure(s).target(target.flywayVersion()).callbacks(callback).load();
                migrate(c, s, flyway, callback, target);
                Version to = HistoryTable.state(c).current();
                return new UpgradeResult(from, to, callback.runs(),
                        Duration.between(start, Instant.now()));
            }
        } catch (SQLException | RuntimeException e) {
            throw Errors.translate(s, "upgrade failed", e);
        } finally {
            InFlight.end(s);
            Connections.closeQuietly(c);
        }
    }

    /** The versions an upgrade from {@code state} to {@code target} runs, failed or interrupted ones included. */
    static List<com.alphapulse.db.migrations.SchemaVersion> pending(EngineSettings s, HistoryTable.State state,
            Version target) {
        return s.migrations().versions().stream().filter(v -> v.version().isBelow(target) || v.version().equals(target))
                .filter(v -> state.current().isBelow(v.version()) || state.failed().contains(v.version())).toList();
    }

    /** The engine's exception a Flyway callback's failure carries, if any. */
    private static MigrationException ownCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MigrationException m) {
                return m;
            }
        }
        return null;
    }

    private static void migrate(Connection c, EngineSettings s, Flyway flyway, RestoreCallback callback, Version target)
            throws SQLException {
        int attempt = 0;
        while (true) {
            attempt++;
            Instant attemptStart = Instant.now();
            try {
                flyway.migrate();
                return;
            } catch (FlywayException e) {
                HistoryTable.State after = HistoryTable.state(c);
                // The engine's own failures inside Flyway's callbacks (a lost lock, an abandoned version) keep their code.
                MigrationException own = ownCause(e);
                Code code = Thread.currentThread().isInterrupted() ? Code.INTERRUPTED
                        : own != null ? own.code() : Errors.code(Errors.sqlState(e), Errors.describe(e));
                // A version run outside a transaction (V009) keeps whatever it did before the failure, whether
                // or not Flyway managed to record a failed row (it cannot when its session was terminated).
                boolean partial = callback.inFlightOutsideTransaction() || !after.failed().isEmpty();
                boolean resumable = partial && after.failed().stream().allMatch(v -> online(s, v))
                        && (callback.inFlight() <= 0 || online(s, Version.of(callback.inFlight())));
                if (code == Code.LOCK_TIMEOUT && (!partial || resumable) && attempt <= s.lockRetries() && after.current().isBelow(target)) {
                    if (resumable) {
                        resumeOnline(c, s, after);
                    }
                    Duration wait = s.backoff(attempt);
                    s.progress().accept("  " + ("deadlock".equals(Errors.lockConflict(e))
                            ? "deadlock detected (PostgreSQL broke a lock cycle with another session by cancelling this version)"
                            : "lock not granted within the timeout") + ", rolled back; retrying in " + wait.toMillis() + " ms");
                    callback.clearFailure();
                    // a wait interrupted here follows a rolled-back attempt (and a resumable state): INTERRUPTED below
                    if (Interruptions.sleep(wait)) {
                        continue;
                    }
                    code = Code.INTERRUPTED;
                }
                Version failed = callback.failedVersion() > 0 ? Version.of(callback.failedVersion())
                        : callback.inFlight() > 0 ? Version.of(callback.inFlight()) : next(s, after.current());
                String what = "upgrade of " + failed.label() + (resumable
                        ? " stopped part-way; it runs online and resumes where it stopped: run upgrade again once the cause "
                                + "is fixed (status shows where it stands)"
                        : partial
                        ? " stopped part-way (it runs outside a transaction, so what it did before the failure stays; "
                                + "the database is not at a whole version); run repair, then upgrade again"
                        : " was rolled back; the database stays at " + after.current().label());
                if (code == Code.LOCK_TIMEOUT) {
                    what += Errors.DEADLOCK.equals(Errors.sqlState(e))
                            ? " (gave up after " + attempt + " attempt(s), the last one ended by a deadlock with another session)"
                            : " (gave up after " + attempt + " attempt(s) waiting " + s.lockTimeout().toMillis() + " ms for a lock)";
                }
                MigrationException failure = own != null && own.code() == Code.LOCKED ? new MigrationException(Code.LOCKED,
                        what + ": " + own.getMessage(), e)
                        : partial ? Errors.translatePartial(s, what, e) : Errors.translate(s, what, e);
                if (code == Code.INTERRUPTED && !partial && failure.code() != Code.INTERRUPTED) {
                    failure = new MigrationException(Code.INTERRUPTED, "interrupted: " + failure.getMessage(), e);
                }
                Instant started = callback.failedStarted() == null ? attemptStart : callback.failedStarted();
                if (InFlight.claim(s)) {
                    Journal.writeFailure(s, new Journal.Step(UUID.randomUUID(), failed, Direction.UP, started, Instant.now(),
                            0, 0, code == Code.INTERRUPTED && (!partial || resumable) ? Outcome.INTERRUPTED : Outcome.FAILED,
                            failure.getMessage()), failure);
                }
                throw failure;
            }
        }
    }

    /**
     * Refuses with {@code CATALOG_MISMATCH} (nothing changed) while a version that runs outside a transaction
     * was interrupted and left indexes its script builds: re-running it would fail on the first with "already
     * exists", part-way again. Repair drops them in one step; resuming here instead would mean telling a
     * leftover from an index somebody built on purpose, which is repair's job, done where it is reported.
     */
    private static void refuseLeftovers(Connection c, EngineSettings s, HistoryTable.State state) throws SQLException {
        List<Leftovers.Index> found = Leftovers.find(c, s, state).stream().filter(i -> !online(s, i.version())).toList();
        List<String> interrupted = Leftovers.describe(found);
        List<String> own = found.stream().filter(i -> !i.leftover() && i.buildingPid() == null)
                .map(i -> i.name() + " (VALID, named like one of " + i.version().label() + "'s)").toList();
        if (interrupted.isEmpty() && own.isEmpty()) {
            return;
        }
        List<String> parts = new ArrayList<>(interrupted);
        if (!own.isEmpty()) {
            parts.add("index(es) a pending version creates already exist, built by hand: " + String.join(", ", own)
                    + "; drop or rename them (repair keeps them)");
        }
        throw new MigrationException(Code.CATALOG_MISMATCH, "upgrade refused: " + String.join("; ", parts)
                + "; nothing was changed");
    }

    private static boolean online(EngineSettings s, Version v) {
        return s.migrations().get(v).map(Online::online).orElse(false);
    }

    /**
     * Makes an online version that stopped part-way ready to run again: its failed history row goes (Flyway
     * would refuse to migrate past it) and so do the INVALID indexes an interrupted {@code CREATE INDEX
     * CONCURRENTLY IF NOT EXISTS} of it left (IF NOT EXISTS would keep them); everything else it did stays,
     * and its re-run carries on from there.
     */
    private static void resumeOnline(Connection c, EngineSettings s, HistoryTable.State state) throws SQLException {
        for (Version v : state.failed()) {
            if (online(s, v)) {
                HistoryTable.deleteVersion(c, v);
                s.progress().accept("resuming " + v.label() + ", which stopped part-way");
            }
        }
        for (Leftovers.Index i : Leftovers.find(c, s, state)) {
            if (online(s, i.version()) && !i.valid() && i.buildingPid() == null) {
                Sql.execute(c, "DROP INDEX CONCURRENTLY IF EXISTS " + Catalog.regclass(i.name()));
                s.progress().accept("  dropped INVALID index " + i.name() + " left by an interrupted build; it is built again");
            }
        }
    }

    private static Version next(EngineSettings s, Version current) {
        return s.migrations().next(current).map(v -> v.version()).orElse(current);
    }

    /** The history, refusing a database that has tables but no history, or a failed version. */
    static HistoryTable.State check(Connection c, EngineSettings s) throws SQLException {
        HistoryTable.State state = HistoryTable.state(c);
        HistoryTable.requireKnown(state, s.migrations());
        if (!state.exists()) {
            long tables = ((Number) Sql.ctx(c).fetchValue("SELECT count(*) FROM pg_class k JOIN pg_namespace n "
                    + "ON n.oid = k.relnamespace WHERE n.nspname = 'public' AND k.relkind IN ('r', 'p')")).longValue();
            if (tables > 0) {
                throw new MigrationException(Code.NO_HISTORY, "schema public has " + tables + " table(s) but no "
                        + HistoryTable.QUALIFIED + "; stamp the version the database is at before upgrading");
            }
        }
        if (!state.failed().stream().allMatch(v -> online(s, v))) {
            throw new MigrationException(Code.PRECONDITION_FAILED, "version(s) "
                    + String.join(", ", state.failed().stream().map(Version::label).toList())
                    + " failed part-way and are recorded as failed; run repair, then upgrade again");
        }
        return state;
    }

}
