package com.alphapulse.db.engine.internal;

import com.alphapulse.db.migrations.Version;
import com.alphapulse.db.engine.Direction;
import com.alphapulse.db.engine.HistoryResult;
import com.alphapulse.db.engine.Outcome;
import com.alphapulse.db.engine.StatusResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;

/** Status and history: read-only. */
public final class StatusReader {

    private StatusReader() {}

    public static StatusResult status(EngineSettings s) {
        Instant start = Instant.now();
        Connection c = Connections.open(s);
        try {
            HistoryTable.State state = HistoryTable.state(c);
            List<StatusResult.AppliedVersion> applied = new ArrayList<>();
            List<String> pending = new ArrayList<>();
            if (!fromHistory(s, state, applied, pending)) {
                fromFlyway(s, applied, pending);
            }
            List<HistoryResult.Entry> rollbacks = Journal.read(c).stream()
                    .filter(e -> e.direction() == Direction.DOWN && e.outcome() == Outcome.SUCCESS).toList();
            StatusResult.CatalogMatch catalog = CatalogCheck.match(s, state.current());
            // A version interrupted outside a transaction (V009) leaves indexes that make the catalog neither the
            // recorded version (an upgrade would fail on them with "already exists") nor the next one.
            List<String> interrupted = new ArrayList<>(state.exists() ? Leftovers.describe(Leftovers.find(c, s, state)) : List.of());
            for (String table : Archive.deltaTriggerTables(c)) {
                interrupted.add("trigger " + Archive.DELTA_TRIGGER + " on " + table + " was left by a downgrade that stopped while "
                        + "it archived online; it records every write to " + table + " until repair or the next downgrade drops it");
            }
            if (!interrupted.isEmpty()) {
                List<String> findings = new ArrayList<>(interrupted);
                findings.addAll(catalog.findings());
                catalog = new StatusResult.CatalogMatch(false, null, catalog.nearest(), findings);
            }
            return new StatusResult(state.current(), state.exists(), applied, pending,
                    state.failed().stream().map(Version::label).toList(), rollbacks, Archive.pending(c, state.current().number()),
                    catalog, Online.inProgress(c, s, state), Duration.between(start, Instant.now()));
        } catch (SQLException | RuntimeException e) {
            throw Errors.translate(s, "cannot read the status", e);
        } finally {
            Connections.closeQuietly(c);
        }
    }

    /**
     * Applied and pending versions from the history rows already read, without building a {@code Flyway} (its
     * location scan is most of a status's start), where that gives exactly what Flyway's info would: the set's own
     * classpath location (whose generated index lists its scripts) and a history of successful SQL rows of the set's
     * versions only. Anything else (an overriding location, a directory set, failed, baseline, deleted or unknown
     * rows) returns false and is left to Flyway.
     */
    static boolean fromHistory(EngineSettings s, HistoryTable.State state, List<StatusResult.AppliedVersion> applied,
            List<String> pending) {
        if (s.migrations().directory().isPresent() || !s.locations().equals(List.of(s.migrations().flywayLocation()))) {
            return false;
        }
        int last = 0;
        for (HistoryTable.Row row : state.rows()) {
            if (row.version() == null) {
                continue; // schema markers: not versioned
            }
            if (row.number() <= 0 || !row.success() || !"SQL".equals(row.type())
                    || s.migrations().get(Version.of(row.number())).isEmpty()) {
                return false;
            }
            last = Math.max(last, row.number());
        }
        java.util.Set<Integer> done = new java.util.HashSet<>();
        for (HistoryTable.Row row : state.rows()) {
            if (row.version() != null) {
                done.add(row.number());
                applied.add(new StatusResult.AppliedVersion(Targets.label(row.number()), row.description(), row.installedOn(),
                        row.installedBy(), Duration.ofMillis(row.executionTime())));
            }
        }
        for (com.alphapulse.db.migrations.SchemaVersion v : s.migrations().versions()) {
            // Flyway (without outOfOrder) ignores an unapplied version below the last applied one: not pending
            if (v.version().number() > last && !done.contains(v.version().number())) {
                pending.add(Targets.label(v.version().number()));
            }
        }
        return true;
    }

    static void fromFlyway(EngineSettings s, List<StatusResult.AppliedVersion> applied, List<String> pending) {
        for (MigrationInfo i : FlywaySupport.info(s)) {
            if (!i.isVersioned() || i.getVersion() == null) {
                continue;
            }
            int number = HistoryTable.number(i.getVersion().getVersion());
            if (i.getState() == MigrationState.PENDING) {
                pending.add(Targets.label(number));
            } else if (i.getState().isApplied() && !i.getState().isFailed() && number > 0
                    && i.getState() != MigrationState.BASELINE) {
                applied.add(new StatusResult.AppliedVersion(Targets.label(number), i.getDescription(),
                        i.getInstalledOn() == null ? null : i.getInstalledOn().toInstant(), i.getInstalledBy(),
                        Duration.ofMillis(i.getExecutionTime() == null ? 0 : i.getExecutionTime())));
            }
        }
    }

    /** The recorded version from the history table alone (BASE without one). */
    public static Version recorded(EngineSettings s) {
        Connection c = Connections.open(s);
        try {
            return HistoryTable.state(c).current();
        } catch (SQLException | RuntimeException e) {
            throw Errors.translate(s, "cannot read the status", e);
        } finally {
            Connections.closeQuietly(c);
        }
    }

    public static HistoryResult history(EngineSettings s) {
        Instant start = Instant.now();
        Connection c = Connections.open(s);
        try {
            return new HistoryResult(Journal.read(c), Duration.between(start, Instant.now()));
        } catch (SQLException | RuntimeException e) {
            throw Errors.translate(s, "cannot read the journal", e);
        } finally {
            Connections.closeQuietly(c);
        }
    }
}
