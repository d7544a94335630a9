package com.alphapulse.db.verification;

import java.util.List;

/**
 * One table, or one tenant of one table, whose data differs between two {@link DataSnapshot}s.
 *
 * @param kind what differs
 * @param table the table
 * @param tenant the tenant id text, {@link DataSnapshot#ALL_ROWS} for a whole table, or
 *     {@link DataSnapshot#NO_TENANT}
 * @param before the digest before ({@link RowDigest#EMPTY} when there was nothing)
 * @param after the digest after
 * @param hashedColumnsBefore the columns hashed before (for {@link Kind#COLUMNS_DIFFER})
 * @param hashedColumnsAfter the columns hashed after
 * @param message one sentence for a person
 */
public record SnapshotDifference(Kind kind, String table, String tenant, RowDigest before, RowDigest after,
        List<String> hashedColumnsBefore, List<String> hashedColumnsAfter, String message) {

    /** What differs. */
    public enum Kind {
        /** The table is only in the first snapshot. */
        TABLE_ONLY_BEFORE,
        /** The table is only in the second snapshot. */
        TABLE_ONLY_AFTER,
        /** The table's hashed columns differ, so its checksums cannot be compared (counts still are). */
        COLUMNS_DIFFER,
        /** The row count or checksum of a tenant (or the whole table) differs. */
        ROWS_DIFFER
    }

    public SnapshotDifference {
        hashedColumnsBefore = List.copyOf(hashedColumnsBefore);
        hashedColumnsAfter = List.copyOf(hashedColumnsAfter);
    }
}
