package com.alphapulse.db.engine.internal;

import com.alphapulse.db.engine.Direction;
import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.Outcome;
import com.alphapulse.db.engine.UpgradeSqlResult;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.migrations.Version;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.flywaydb.core.api.MigrationInfo;

/**
 * {@code upgrade --dry-run}: the statements {@link Upgrader#run} would execute, in its order, from the producers
 * the run itself executes ({@link AdvisoryLock#NAME_SESSION}, {@link AdvisoryLock#TRY_LOCK}, {@link
 * RestoreCallback#timeouts}, {@link Online#lockInTransactionStatements}, {@link Online#reachedStatement}, {@link
 * Online#sessionLockTimeout}, {@link Online#finishedStatement}, {@link RestoreCallback#RESET_TIMEOUTS}, {@link
 * Journal#insert}, {@link EngineSchema#DDL}) and each pending version's script split by {@link Script}, the text
 * Flyway runs. Only reads: no migration lock, nothing written.
 */
public final class UpgradeScript {

    private UpgradeScript() {}

    public static UpgradeSqlResult upgradeSql(EngineSettings s, String targetText) {
        Connection c = Connections.open(s);
        try {
            HistoryTable.State state = Upgrader.check(c, s);
            Version target = Targets.upgrade(s.migrations(), targetText, state.current());
            List<SchemaVersion> pending = Upgrader.pending(s, state, target);
            // refused the way the run refuses, before anything: a script for an upgrade that cannot start helps no one
            FlywaySupport.verifyApplied(s);
            Privileges.requireForUpgrade(c, pending);
            List<String> out = script(c, s, state, target, pending);
            // a script statement may start with its own comment lines; only entries of nothing but comments are left out
            List<String> statements = out.stream().filter(l -> !l.isBlank() && !l.lines().allMatch(x -> x.strip().startsWith("--"))).toList();
            return new UpgradeSqlResult(state.current(), target, statements, String.join("\n", out) + "\n");
        } catch (SQLException | RuntimeException e) {
            throw Errors.translate(s, "cannot work out the upgrade's SQL", e);
        } finally {
            Connections.closeQuietly(c);
        }
    }

    private static List<String> script(Connection c, EngineSettings s, HistoryTable.State state, Version target,
            List<SchemaVersion> pending) throws SQLException {
        List<String> out = new ArrayList<>();
        out.add("-- upgrade " + state.current().label() + " -> " + target.label()
                + ": the statements the engine runs, in order; nothing was changed to produce this");
        if (pending.isEmpty()) {
            out.add("-- nothing to apply");
            return out;
        }
        out.add("-- the version scripts run through Flyway, which also writes its history row per version (shown as the "
                + "equivalent INSERT) and takes its own lock on the history table; table locks are read from the catalog each version "
                + "starts from (the live one for the first, the expected catalog of the version before for each later one)");
        out.add("-- the migration lock, on a session of its own held for the whole run (a second run is refused at once)");
        out.add(AdvisoryLock.NAME_SESSION.inline());
        out.add(AdvisoryLock.TRY_LOCK.inline());
        try {
            Preflight.requireForeignKeysHold(c, s, state.current(), target);
            List<Preflight.ForeignKey> fks = Preflight.added(c, s, state.current(), target);
            if (!fks.isEmpty()) {
                out.add("-- preflight, reads only: the live rows are checked against the foreign key(s) the pending versions add: "
                        + String.join(", ", fks.stream().map(f -> f.table() + "." + f.name()).toList()));
            }
        } catch (MigrationException e) {
            out.add("-- REFUSED, the upgrade would stop here before changing anything: " + e.getMessage());
        }
        if (EngineSchema.relationExists(c, EngineSchema.ONLINE_PROGRESS)) {
            out.add("-- progress rows of versions the history records as applied (finished by plain Flyway, or stamped) are forgotten");
            out.add(Online.forgetAppliedStatement(state).inline());
        }
        boolean engineSchema = EngineSchema.exists(c);
        if (!engineSchema) {
            out.add("-- the engine's schema " + EngineSchema.SCHEMA + ", created once, in one transaction");
            out.add("BEGIN;");
            for (String ddl : EngineSchema.DDL) {
                out.add(statement(ddl));
            }
            out.add("COMMIT;");
        }
        if (!state.exists()) {
            out.add("-- Flyway creates " + HistoryTable.QUALIFIED + " (its own DDL) before the first version");
        }
        Map<String, MigrationInfo> info = new HashMap<>();
        for (MigrationInfo i : FlywaySupport.info(s)) {
            if (i.getVersion() != null) {
                info.put(i.getVersion().getVersion(), i);
            }
        }
        int rank = state.rows().stream().mapToInt(HistoryTable.Row::rank).max().orElse(0);
        UUID runId = new UUID(0, 0);
        Version before = state.current();
        for (SchemaVersion v : pending) {
            // the catalog this version starts from: the live one for the first, the expected one of the version before for
            // each later one, which the versions before it will have made (a table 005 creates is locked by 006)
            StepCatalog at = before.equals(state.current()) ? StepCatalog.live(c) : StepCatalog.expected(c, s.migrations(), before);
            before = v.version();
            boolean tx = inTransaction(v);
            boolean online = !tx && Online.online(v);
            boolean archive = engineSchema && Archive.has(c, v.number());
            out.add("");
            out.add("-- apply " + v.label() + " " + v.description() + (tx ? ", in one transaction (Flyway's)"
                    : ", outside a transaction (" + v.migrationScript() + ".conf: executeInTransaction=false): each statement commits on its own")
                    + (online ? "; online: batches, short lock windows, progress rows so that a kill resumes" : ""));
            if (tx) {
                out.add("BEGIN;");
            }
            out.add(RestoreCallback.timeouts(s, tx).inline());
            if (tx) {
                Map<String, String> locks = Online.versionLocks(at, v);
                if (!locks.isEmpty()) {
                    out.add("-- the version's strong locks, before its first statement; a try not granted within lock_timeout "
                            + "rolls back to the savepoint and is retried with backoff");
                    out.addAll(Online.lockInTransactionStatements(s, locks));
                }
            }
            if (archive) {
                out.add("-- archived data of " + v.label() + " is restored as the script goes: a re-added column's values right "
                        + "after the statement that adds it, a re-created table's rows before the first statement that uses it "
                        + "(copies from " + EngineSchema.SCHEMA + ", by primary key)");
            }
            List<Script.Statement> statements = Script.parse(v.migrationSql());
            List<Online.Step> steps = online ? Online.steps(v) : List.of();
            for (int i = 0; i < statements.size(); i++) {
                Script.Statement st = statements.get(i);
                if (!online) {
                    out.add(statement(st.sql()));
                    if (tx && st.engineSetting()) {
                        out.add("-- the script's own timeout gives way to the engine's");
                        out.add(RestoreCallback.timeouts(s, true).inline());
                    }
                    continue;
                }
                Online.Step step = steps.get(i);
                out.add(Online.reachedStatement(v.number(), step, null).inline());
                if (step.batch()) {
                    out.add("-- batches of " + Online.FIRST_BATCH + " rows (then sized to about " + Online.BATCH_TARGET.toMillis()
                            + " ms each, " + Online.MIN_BATCH + " to " + Online.MAX_BATCH + "): the next statement runs as itself "
                            + "with WHERE (primary key range) AND (its own condition), each batch in a transaction of its own "
                            + "that also records the last key done in " + EngineSchema.ONLINE_PROGRESS + "; then Flyway runs it as written, "
                            + "which finds nothing left to change");
                    out.add(statement(st.sql()));
                } else if (!step.locks().isEmpty()) {
                    out.add("BEGIN;");
                    out.addAll(Online.lockInTransactionStatements(s, step.locks()));
                    out.add(statement(st.sql()));
                    out.add("COMMIT;");
                } else if (step.patient()) {
                    out.add("-- blocks no one: may wait for its lock as long as statement_timeout");
                    out.add(Online.sessionLockTimeout(s.statementTimeout()).inline());
                    out.add(statement(st.sql()));
                    out.add(Online.sessionLockTimeout(s.lockTimeout()).inline());
                } else {
                    out.add(statement(st.sql()));
                }
            }
            if (online) {
                out.add(Online.finishedStatement(v.number()).inline());
            }
            if (!tx) {
                RestoreCallback.RESET_TIMEOUTS.forEach(r -> out.add(r + ";"));
            }
            out.add("-- the journal row (this run's id, times and restored row count)");
            Instant now = Instant.now();
            out.add(Journal.insert(s, new Journal.Step(runId, v.version(), Direction.UP, now, now, 0, 0, Outcome.SUCCESS, null)).inline());
            out.add("-- Flyway writes its history row itself; the equivalent INSERT (execution_time measured by the run)");
            MigrationInfo mi = info.get(v.flywayVersion());
            rank++;
            out.add(new Sql.Bound("INSERT INTO " + HistoryTable.QUALIFIED + " (installed_rank, version, description, type, script, "
                    + "checksum, installed_by, execution_time, success) VALUES (?, ?, ?, 'SQL', ?, ?, "
                    + (s.installedBy() == null || s.installedBy().isBlank() ? "current_user" : "?") + ", 0, true)",
                    installedByBinds(s, rank, v, mi)).inline());
            if (tx) {
                out.add("COMMIT;");
            }
        }
        out.add("");
        out.add(AdvisoryLock.UNLOCK.inline());
        out.add(AdvisoryLock.RESET_NAME + ";");
        return out;
    }

    private static Object[] installedByBinds(EngineSettings s, int rank, SchemaVersion v, MigrationInfo mi) {
        // the version as Flyway writes it: the file name's text ('001'), not the normalised one ('1')
        String script = v.migrationScript();
        List<Object> binds = new ArrayList<>(List.of(rank, script.substring(1, script.indexOf("__")),
                mi == null ? v.description() : mi.getDescription(), v.migrationScript()));
        binds.add(mi == null ? null : mi.getChecksum());
        if (s.installedBy() != null && !s.installedBy().isBlank()) {
            binds.add(s.installedBy());
        }
        return binds.toArray();
    }

    /**
     * Whether Flyway runs {@code v} in one transaction: unless the script's {@code .conf} next to it says
     * {@code executeInTransaction=false}, read from where Flyway reads it.
     */
    static boolean inTransaction(SchemaVersion v) {
        String conf = v.migrationScript() + ".conf";
        Properties p = new Properties();
        try (InputStream in = open(v, conf)) {
            if (in == null) {
                return true;
            }
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + conf + ": " + e.getMessage(), e);
        }
        return !"false".equalsIgnoreCase(p.getProperty("executeInTransaction", "true").strip());
    }

    private static InputStream open(SchemaVersion v, String name) throws IOException {
        String location = v.set().flywayLocation();
        if (location.startsWith("filesystem:")) {
            Path p = Path.of(location.substring("filesystem:".length())).resolve(name);
            return Files.exists(p) ? Files.newInputStream(p) : null;
        }
        return v.set().classLoader().getResourceAsStream(location.substring("classpath:".length()) + "/" + name);
    }

    /** Rendered as the downgrade's script renders a script statement. */
    private static String statement(String sql) {
        return Downgrader.statement(sql);
    }
}
