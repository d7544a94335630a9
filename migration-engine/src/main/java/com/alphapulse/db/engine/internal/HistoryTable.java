package com.alphapulse.db.engine.internal;

import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.migrations.Version;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Flyway's schema history table read and written directly: the engine's downgrade and stamp change it in
 * their own transactions, exactly as Flyway would have left it had the versions never been applied.
 */
final class HistoryTable {

    static final String SCHEMA = com.alphapulse.db.migrations.MigrationFlyway.HISTORY_SCHEMA;
    static final String TABLE = com.alphapulse.db.migrations.MigrationFlyway.HISTORY_TABLE;
    static final String QUALIFIED = SCHEMA + "." + TABLE;

    private HistoryTable() {}

    /**
     * One row of the history.
     *
     * @param number the version as a number, -1 for rows without a numeric version (schema markers)
     */
    record Row(int rank, String version, int number, String description, String type, String script,
            Integer checksum, String installedBy, Instant installedOn, int executionTime, boolean success) {}

    /**
     * What the history says.
     *
     * @param exists whether the table exists
     * @param current the highest successfully applied version, BASE for none
     * @param failed versions with a failed row
     */
    record State(boolean exists, Version current, List<Version> failed, List<Row> rows) {}

    static boolean exists(Connection c) throws SQLException {
        return Boolean.TRUE.equals(Sql.value(c, "SELECT to_regclass(?) IS NOT NULL", QUALIFIED));
    }

    static State state(Connection c) throws SQLException {
        if (!exists(c)) {
            return new State(false, Version.BASE, List.of(), List.of());
        }
        List<Row> rows = new ArrayList<>();
        for (Object[] r : Sql.rows(c, "SELECT installed_rank, version, description, type, script, checksum, "
                + "installed_by, installed_on, execution_time, success FROM " + QUALIFIED + " ORDER BY installed_rank")) {
            String version = (String) r[1];
            // as Flyway reads it (getTimestamp: the timestamp without time zone in the JVM zone)
            java.sql.Timestamp on = (java.sql.Timestamp) r[7];
            rows.add(new Row(Sql.integer(r[0]), version, number(version), (String) r[2], (String) r[3], (String) r[4],
                    Sql.integer(r[5]), (String) r[6], on == null ? null : on.toInstant(), Sql.integer(r[8]),
                    Boolean.TRUE.equals(r[9])));
        }
        int current = 0;
        List<Version> failed = new ArrayList<>();
        for (Row row : rows) {
            if (row.number() <= 0 || "BASELINE".equals(row.type())) {
                continue;
            }
            if (row.success()) {
                current = Math.max(current, row.number());
            } else {
                failed.add(Version.of(row.number()));
            }
        }
        return new State(true, Version.of(current), failed, rows);
    }

    /**
     * Refuses, whatever the caller forces, a history that records versions the migration set does not have
     * (newer scripts applied by a newer release): undoing or applying the set's versions underneath them
     * would leave a history that describes no catalog. Flyway itself ignores such "future" versions.
     */
    static void requireKnown(State state, MigrationSet set) {
        List<String> unknown = new ArrayList<>();
        for (Row row : state.rows()) {
            if (row.number() > 0 && !"BASELINE".equals(row.type()) && set.get(Version.of(row.number())).isEmpty()) {
                unknown.add(Version.of(row.number()).label());
            }
        }
        if (!unknown.isEmpty()) {
            throw new com.alphapulse.db.engine.MigrationException(com.alphapulse.db.engine.MigrationException.Code.UNKNOWN_VERSION,
                    "the history records version(s) " + String.join(", ", unknown) + " that this migration set ("
                            + set.labels() + ") does not have; use the release that applied them; nothing was changed");
        }
    }

    /** Deletes every row of version {@code number} (failed ones included); returns how many. */
    static int deleteVersion(Connection c, Version version) throws SQLException {
        int deleted = 0;
        for (Sql.Bound delete : deleteVersionStatements(state(c), version)) {
            deleted += delete.execute(c);
        }
        return deleted;
    }

    /** The statements {@link #deleteVersion} runs on a history in {@code state}: one per row of the version. */
    static List<Sql.Bound> deleteVersionStatements(State state, Version version) {
        List<Sql.Bound> out = new ArrayList<>();
        for (Row row : state.rows()) {
            if (row.number() == version.number()) {
                out.add(new Sql.Bound("DELETE FROM " + QUALIFIED + " WHERE installed_rank = ?", row.rank()));
            }
        }
        return out;
    }

    static int number(String version) {
        if (version == null || !version.matches("\\d{1,9}")) {
            return -1;
        }
        return Integer.parseInt(version);
    }
}
