package com.alphapulse.db.engine.internal;

import com.alphapulse.db.migrations.Version;
import com.alphapulse.db.engine.Direction;
import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.MigrationException.Code;
import com.alphapulse.db.engine.Outcome;
import com.alphapulse.db.engine.StampResult;
import com.alphapulse.db.migrations.SchemaVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.api.MigrationInfo;

/**
 * Alembic's {@code stamp}: records a version as the current one without running scripts. History rows
 * above it (failed ones included) are deleted, and versions up to it that are not recorded are inserted as
 * Flyway would have written them, with the scripts' checksums, so that Flyway's validate keeps passing.
 * Archived data of versions above it is discarded (those versions are now recorded as never applied
 * here). A database without a history table gets one through Flyway's own baseline (at version 0, below
 * every real version). Refused when the live catalog is not at that version, unless forced.
 *
 * <p>Every check runs before anything is written: a refusal leaves no history table, engine schema or
 * baseline row behind.
 */
public final class Stamper {

    private static final String BASELINE = "<< alphapulse stamp >>";

    private Stamper() {}

    // The advisory lock is held by scope alone: try-with-resources releases it however the run ends.
    @SuppressWarnings("try")
    public static StampResult run(EngineSettings s, String versionText, boolean force) {
        Instant start = Instant.now();
        String t = versionText == null ? "" : versionText.trim().toLowerCase(Locale.ROOT);
        Version target = t.equals(Version.BASE.label()) ? Version.BASE : Targets.find(s.migrations(), versionText).version();
        AdvisoryLock.settlePrevious(s);
        Connection c = Connections.open(s);
        try (AdvisoryLock lock = AdvisoryLock.acquire(s, "stamp")) {
            List<String> errors = CatalogCheck.errorsAgainst(s, target);
            if (!errors.isEmpty() && !force) {
                throw new MigrationException(Code.CATALOG_MISMATCH, "the live catalog is not at " + target.label()
                        + " (" + errors.size() + " difference(s), e.g. " + String.join("; ", errors.subList(0, Math.min(3, errors.size())))
                        + "); stamp the version it is at, or force; nothing was changed");
            }
            boolean hadHistory = HistoryTable.exists(c);
            HistoryTable.State state = HistoryTable.state(c);
            Map<Integer, MigrationInfo> resolved = new HashMap<>();
            for (MigrationInfo i : FlywaySupport.info(s)) {
                if (i.isVersioned() && i.getVersion() != null && i.getState().isResolved()) {
                    resolved.put(HistoryTable.number(i.getVersion().getVersion()), i);
                }
            }
            List<HistoryTable.Row> toRemove = new ArrayList<>();
            List<Integer> kept = new ArrayList<>();
            for (HistoryTable.Row row : state.rows()) {
                if (row.number() <= 0 || "BASELINE".equals(row.type())) {
                    continue;
                }
                if (row.number() > target.number() || !row.success()) {
                    toRemove.add(row);
                } else {
                    kept.add(row.number());
                }
            }
            List<MigrationInfo> toInsert = new ArrayList<>();
            List<String> unresolved = new ArrayList<>();
            for (SchemaVersion v : Targets.between(s.migrations(), Version.BASE, target)) {
                if (kept.contains(v.number())) {
                    continue;
                }
                MigrationInfo i = resolved.get(v.number());
                if (i == null) {
                    unresolved.add(v.label());
                } else {
                    toInsert.add(i);
                }
            }
            if (!unresolved.isEmpty()) {
                throw new MigrationException(Code.PRECONDITION_FAILED, "version(s) " + String.join(", ", unresolved)
                        + " have no migration script in " + String.join(", ", s.locations()) + "; nothing was changed");
            }

            // Checked: from here on the stamp writes.
            if (!hadHistory) {
                FlywaySupport.configure(s).baselineVersion("0").baselineDescription(BASELINE).load().baseline();
            }
            List<String> removed = new ArrayList<>();
            List<String> inserted = new ArrayList<>();
            try {
                EngineSchema.ensure(c);
                c.setAutoCommit(false);
                try {
                    for (HistoryTable.Row row : toRemove) {
                        Sql.ctx(c).execute("DELETE FROM " + HistoryTable.QUALIFIED + " WHERE installed_rank = ?", row.rank());
                        removed.add(Targets.label(row.number()) + (row.success() ? "" : " (failed)"));
                    }
                    for (MigrationInfo i : toInsert) {
                        Sql.ctx(c).execute("INSERT INTO " + HistoryTable.QUALIFIED + " (installed_rank, version, description, type, "
                                + "script, checksum, installed_by, execution_time, success) VALUES ((SELECT coalesce(max(installed_rank), 0) + 1 FROM "
                                + HistoryTable.QUALIFIED + "), ?, ?, ?, ?, ?, coalesce(?, current_user), 0, true)",
                                i.getVersion().getVersion(), i.getDescription(), i.getType().name(), i.getScript(), i.getChecksum(),
                                s.installedBy());
                        inserted.add(Targets.label(HistoryTable.number(i.getVersion().getVersion())));
                    }
                    long discarded = Archive.discardAbove(c, target.number());
                    Journal.write(c, s, new Journal.Step(UUID.randomUUID(), target, Direction.STAMP, start, Instant.now(), 0, 0,
                            Outcome.SUCCESS, "stamped " + target.label() + " over " + state.current().label()
                                    + (force ? " (forced" + (errors.isEmpty() ? ")" : ", catalog did not match)") : "")
                                    + (removed.isEmpty() ? "" : "; removed " + String.join(", ", removed))
                                    + (inserted.isEmpty() ? "" : "; inserted " + String.join(", ", inserted))
                                    + (discarded == 0 ? "" : "; discarded " + discarded + " archived row(s) of versions above "
                                            + target.label())));
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    Connections.rollbackQuietly(c);
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } catch (SQLException | RuntimeException e) {
                if (!hadHistory) {
                    dropBaselineOnly(c);
                }
                throw e;
            }
            return new StampResult(state.current(), target, force, errors.isEmpty(), removed,
                    inserted, Duration.between(start, Instant.now()));
        } catch (SQLException | RuntimeException e) {
            throw Errors.translate(s, "stamp failed", e);
        } finally {
            Connections.closeQuietly(c);
        }
    }

    /**
     * Undoes the baseline this stamp created when the stamp then failed, so that a failed stamp leaves no
     * history table; only while the table holds nothing but that baseline row. Best effort.
     */
    private static void dropBaselineOnly(Connection c) {
        try {
            if (!c.isClosed() && c.getAutoCommit() && HistoryTable.exists(c)
                    && Boolean.TRUE.equals(Sql.ctx(c).fetchValue("SELECT count(*) = 1 AND bool_and(description = ?) FROM "
                            + HistoryTable.QUALIFIED, BASELINE))) {
                Sql.execute(c, "DROP TABLE " + HistoryTable.QUALIFIED);
            }
        } catch (SQLException | RuntimeException ignored) {
            // the stamp's own failure is what the caller needs to see
        }
    }
}
