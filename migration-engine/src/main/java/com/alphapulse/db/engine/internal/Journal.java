package com.alphapulse.db.engine.internal;

import com.alphapulse.db.engine.Direction;
import com.alphapulse.db.engine.HistoryResult;
import com.alphapulse.db.engine.Outcome;
import com.alphapulse.db.migrations.Version;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The engine's journal: one row per version applied, undone or stamped, and per repair. */
final class Journal {

    /** One step to journal. */
    record Step(UUID runId, Version version, Direction direction, Instant startedAt, Instant finishedAt,
            long rowsArchived, long rowsRestored, Outcome outcome, String message) {}

    private Journal() {}

    /** Writes {@code step} on {@code c}, inside whatever transaction {@code c} is in. */
    static void write(Connection c, EngineSettings s, Step step) throws SQLException {
        insert(s, step).execute(c);
    }

    /** The row {@link #write} inserts for {@code step}. */
    static Sql.Bound insert(EngineSettings s, Step step) {
        return new Sql.Bound("INSERT INTO " + EngineSchema.JOURNAL + " (run_id, version, direction, os_user, reason, "
                + "started_at, finished_at, duration_ms, rows_archived, rows_restored, outcome, message) "
                + "VALUES (?::uuid, ?, ?, ?, ?, ?::timestamptz, ?::timestamptz, ?, ?, ?, ?, ?)",
                step.runId().toString(), step.version().label(), step.direction().name(), s.osUser(), s.reason(),
                OffsetDateTime.ofInstant(step.startedAt(), ZoneOffset.UTC),
                OffsetDateTime.ofInstant(step.finishedAt(), ZoneOffset.UTC),
                Duration.between(step.startedAt(), step.finishedAt()).toMillis(), step.rowsArchived(),
                step.rowsRestored(), step.outcome().name(), step.message());
    }

    /**
     * Journals a failed step on a fresh connection, in its own transaction, after the step's own
     * transaction was rolled back. Best effort: a failure to journal (no privilege, server gone) must never
     * hide the failure being reported, so it is attached to {@code failure} as suppressed.
     */
    static void writeFailure(EngineSettings s, Step step, Throwable failure) {
        write(s, step, failure);
    }

    /** {@link #writeFailure} with no failure to attach to: whether the row was written. */
    static boolean writeAlone(EngineSettings s, Step step) {
        return write(s, step, null);
    }

    private static boolean write(EngineSettings s, Step step, Throwable failure) {
        Connection c = null;
        try {
            c = s.dataSource().getConnection();
            c.setAutoCommit(true);
            if (EngineSchema.journalExists(c)) {
                write(c, s, step);
                return true;
            }
            return false;
        } catch (SQLException | RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            }
            return false;
        } finally {
            Connections.closeQuietly(c);
        }
    }

    /**
     * Whether the engine's last attempt to apply {@code version} failed and no repair ran since: evidence
     * that indexes named by the version were left by that attempt (Flyway may record no failed row when the
     * session running the version was terminated).
     */
    static boolean upgradeFailedSinceRepair(Connection c, Version version) throws SQLException {
        if (!EngineSchema.journalExists(c)) {
            return false;
        }
        return Boolean.TRUE.equals(Sql.value(c, "SELECT direction = 'UP' AND outcome = 'FAILED' FROM " + EngineSchema.JOURNAL
                + " WHERE (version = ? AND direction IN ('UP', 'DOWN')) OR direction = 'REPAIR' ORDER BY id DESC LIMIT 1",
                version.label()));
    }

    static List<HistoryResult.Entry> read(Connection c) throws SQLException {
        if (!EngineSchema.journalExists(c)) {
            return List.of();
        }
        List<HistoryResult.Entry> out = new ArrayList<>();
        for (Object[] r : Sql.rows(c, "SELECT id, run_id, version, direction, db_user, os_user, reason, started_at, "
                + "finished_at, duration_ms, rows_archived, rows_restored, outcome, message FROM " + EngineSchema.JOURNAL
                + " ORDER BY id")) {
            out.add(new HistoryResult.Entry(Sql.bigint(r[0]), (UUID) r[1], (String) r[2],
                    Direction.valueOf((String) r[3]), (String) r[4], (String) r[5],
                    (String) r[6], Sql.instant(r[7]), Sql.instant(r[8]), Duration.ofMillis(Sql.bigint(r[9])),
                    Sql.bigint(r[10]), Sql.bigint(r[11]), Outcome.valueOf((String) r[12]), (String) r[13]));
        }
        return out;
    }
}
