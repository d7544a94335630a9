package com.alphapulse.db.engine.internal;

import com.alphapulse.db.engine.Direction;
import com.alphapulse.db.engine.Outcome;
import com.alphapulse.db.engine.RepairResult;
import com.alphapulse.db.migrations.SchemaVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.flywaydb.core.api.output.RepairOutput;

/**
 * Cleans up after a failed non-transactional step. A {@code CREATE INDEX CONCURRENTLY} that was
 * interrupted leaves an INVALID index, and the indexes built before it stay: a re-run then fails with
 * "already exists". Repair drops, with {@code DROP INDEX CONCURRENTLY} outside any transaction, every
 * INVALID index of schema public (except one still being built by a live session), and the VALID indexes
 * that a version which is not applied creates concurrently only when that version did fail: it has a failed
 * history row, or the engine's last attempt at it failed and no repair ran since. A VALID index of the same
 * name is otherwise somebody's own and stays. Then it runs Flyway's repair, which removes failed history rows.
 *
 * <p>Refused first, with nothing changed, when an applied script was edited ({@code CHECKSUM_MISMATCH},
 * unless edits are explicitly accepted: then Flyway's repair records the edited checksums) or is missing
 * ({@code PRECONDITION_FAILED}: Flyway's repair would mark it deleted).
 */
public final class Repairer {

    private Repairer() {}

    // The advisory lock is held by scope alone: try-with-resources releases it however the run ends.
    @SuppressWarnings("try")
    public static RepairResult run(EngineSettings s, boolean acceptEditedScripts) {
        Instant start = Instant.now();
        Connection c = Connections.open(s);
        try (AdvisoryLock lock = AdvisoryLock.acquire(s, "repair")) {
            HistoryTable.State state = Downgrader.requireHistory(c, s);
            FlywaySupport.verifyApplied(s, acceptEditedScripts);
            List<String> actions = new ArrayList<>();
            Set<String> dropped = new LinkedHashSet<>();
            Sql.ctx(c).fetch("SELECT set_config('lock_timeout', ?, false)", Sql.millis(s.lockTimeout()));
            try {
                for (SchemaVersion v : s.migrations().versions()) {
                    boolean applied = !v.version().isAbove(state.current()) && !state.failed().contains(v.version());
                    if (applied || !(state.failed().contains(v.version()) || Journal.upgradeFailedSinceRepair(c, v.version()))) {
                        continue;
                    }
                    for (Script.Statement st : Script.parse(v.migrationSql())) {
                        for (Script.Effect e : st.effects()) {
                            if (e.kind() == Script.Kind.CREATE_INDEX && e.concurrently() && Catalog.indexExists(c, e.name())
                                    && !building(c, e.name())) {
                                drop(c, e.name());
                                dropped.add(e.name());
                                actions.add("dropped index " + e.name() + " on " + e.table() + ", left by version "
                                        + v.label() + " which failed part-way");
                            }
                        }
                    }
                }
                for (Catalog.InvalidIndex idx : Catalog.invalidIndexes(c)) {
                    if (dropped.contains(idx.name())) {
                        continue;
                    }
                    if (idx.buildingPid() != null) {
                        actions.add("kept INVALID index " + idx.name() + ": session " + idx.buildingPid() + " is still building it");
                        continue;
                    }
                    drop(c, idx.name());
                    dropped.add(idx.name());
                    actions.add("dropped INVALID index " + idx.name() + " on " + idx.table());
                }
            } finally {
                Sql.ctx(c).execute("RESET lock_timeout");
            }
            org.flywaydb.core.api.output.RepairResult flyway = FlywaySupport.flyway(s).repair();
            List<String> removed = versions(flyway.migrationsRemoved);
            List<String> aligned = versions(flyway.migrationsAligned);
            removed.forEach(v -> actions.add("removed the failed history row of version " + v));
            aligned.forEach(v -> actions.add("realigned the recorded checksum/description of version " + v + " with its script"));
            versions(flyway.migrationsDeleted).forEach(v -> actions.add("marked version " + v + " as deleted (its script is gone)"));
            if (!actions.isEmpty()) {
                EngineSchema.ensure(c);
                Journal.write(c, s, new Journal.Step(UUID.randomUUID(), HistoryTable.state(c).current(), Direction.REPAIR,
                        start, Instant.now(), 0, 0, Outcome.SUCCESS, String.join("; ", actions)));
            }
            return new RepairResult(List.copyOf(dropped), removed, aligned, actions, Duration.between(start, Instant.now()));
        } catch (SQLException | RuntimeException e) {
            throw Errors.translate(s, "repair failed", e);
        } finally {
            Connections.closeQuietly(c);
        }
    }

    private static boolean building(Connection c, String index) throws SQLException {
        return Boolean.TRUE.equals(Sql.ctx(c).fetchValue("SELECT EXISTS (SELECT 1 FROM pg_stat_progress_create_index "
                + "WHERE index_relid = to_regclass(?))", Catalog.regclass(index)));
    }

    private static void drop(Connection c, String index) throws SQLException {
        // CONCURRENTLY: writes to the table keep flowing; it must run outside a transaction block.
        Sql.execute(c, "DROP INDEX CONCURRENTLY IF EXISTS " + Sql.ctx(c).render(Catalog.table(index)));
    }

    private static List<String> versions(List<RepairOutput> outputs) {
        List<String> out = new ArrayList<>();
        if (outputs != null) {
            for (RepairOutput o : outputs) {
                int n = HistoryTable.number(o.version);
                out.add(n < 0 ? String.valueOf(o.version) : Targets.label(n));
            }
        }
        return out;
    }
}
