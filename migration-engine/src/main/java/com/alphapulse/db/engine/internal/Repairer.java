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
 * Cleans up after a non-transactional step that stopped part-way. An interrupted {@code CREATE INDEX
 * CONCURRENTLY} leaves an INVALID index, and the indexes built before it stay: a re-run then fails with
 * "already exists". Repair drops, with {@code DROP INDEX CONCURRENTLY} outside any transaction, the indexes
 * {@link Leftovers} attributes to a version that is not applied, by the names its script builds: INVALID
 * ones, all of a version that failed (failed history row, or the engine's last attempt failed and no repair
 * ran since), and the VALID ones that are exactly the version's first builds in script order (what a killed
 * run leaves without any record), so one repair suffices however the run was stopped. Never an index being
 * built by a live session, a VALID index of such a name out of that order (somebody's own), or any index no
 * migration names, INVALID or not (reported, kept). Then it runs Flyway's repair, which removes failed history
 * rows.
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
        AdvisoryLock.settlePrevious(s);
        Connection c = Connections.open(s);
        try (AdvisoryLock lock = AdvisoryLock.acquire(s, "repair")) {
            HistoryTable.State state = Downgrader.requireHistory(c, s);
            FlywaySupport.verifyApplied(s, acceptEditedScripts);
            List<String> actions = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            Set<String> dropped = new LinkedHashSet<>();
            Sql.ctx(c).fetch("SELECT set_config('lock_timeout', ?, false)", Sql.millis(s.lockTimeout()));
            try {
                Set<String> named = new java.util.HashSet<>();
                for (Leftovers.Index idx : Leftovers.find(c, s, state)) {
                    named.add(idx.name());
                    if (idx.buildingPid() != null) {
                        actions.add("kept index " + idx.name() + ": session " + idx.buildingPid() + " is still building it");
                    } else if (idx.valid() && s.migrations().get(idx.version()).map(Online::online).orElse(false)) {
                        // an online version resumes with its VALID indexes (CREATE INDEX CONCURRENTLY IF NOT EXISTS)
                        continue;
                    } else if (idx.leftover()) {
                        drop(c, idx.name());
                        dropped.add(idx.name());
                        actions.add("dropped index " + idx.name() + (idx.valid() ? "" : " (INVALID)") + " on " + idx.table()
                                + ", left by version " + idx.version().label() + " which stopped part-way");
                    }
                }
                // An INVALID index no migration names is somebody's own broken build: reported, never dropped.
                // One an applied version names is that version's, broken: dropping it would take it from the catalog.
                for (Catalog.InvalidIndex idx : Catalog.invalidIndexes(c)) {
                    if (named.contains(idx.name()) || idx.buildingPid() != null) {
                        continue;
                    }
                    notes.add("kept INVALID index " + idx.name() + " on " + idx.table() + (namedByAnyVersion(s, idx.name())
                            ? ": an applied version creates it; rebuild it with REINDEX INDEX CONCURRENTLY"
                            : ": no migration creates it; drop it (DROP INDEX CONCURRENTLY) or rebuild it (REINDEX INDEX CONCURRENTLY)"));
                }
                for (String table : Archive.dropDeltaTriggers(c, s)) {
                    actions.add("dropped trigger " + Archive.DELTA_TRIGGER + " on " + table + ", left by a downgrade that stopped "
                            + "while it archived online");
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
            Online.inProgress(c, s, HistoryTable.state(c)).ifPresent(p -> notes.add(p.describe()
                    + ": left as it is (what it did stays); run upgrade to resume it"));
            notes.forEach(s.progress());
            return new RepairResult(List.copyOf(dropped), removed, aligned, actions, Duration.between(start, Instant.now()));
        } catch (SQLException | RuntimeException e) {
            throw Errors.translate(s, "repair failed", e);
        } finally {
            Connections.closeQuietly(c);
        }
    }

    /** Whether any version's script (applied or not) creates an index of this name. */
    private static boolean namedByAnyVersion(EngineSettings s, String index) {
        for (SchemaVersion v : s.migrations().versions()) {
            for (Script.Statement st : Script.parse(v.migrationSql())) {
                for (Script.Effect e : st.effects()) {
                    if (e.kind() == Script.Kind.CREATE_INDEX && index.equals(e.name())) {
                        return true;
                    }
                }
            }
        }
        return false;
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
