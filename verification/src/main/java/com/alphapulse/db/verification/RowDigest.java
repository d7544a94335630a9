package com.alphapulse.db.verification;

/**
 * The row count and order-independent checksum of a set of rows.
 *
 * <p>The checksum is the sum, modulo 2<sup>64</sup>, of the first 64 bits of the MD5 of each row's text.
 * A sum does not depend on the order rows are read in, and digests of disjoint row sets simply add up
 * ({@link #plus(RowDigest)}), which is how per-tenant digests are collapsed into a table's total.
 *
 * @param rows the number of rows
 * @param checksum the sum of the rows' 64-bit hashes, wrapped to a long
 */
public record RowDigest(long rows, long checksum) {

    /** The digest of no rows. */
    public static final RowDigest EMPTY = new RowDigest(0, 0);

    /** The digest of the union of two disjoint row sets. */
    public RowDigest plus(RowDigest other) {
        return new RowDigest(rows + other.rows, checksum + other.checksum);
    }

    @Override
    public String toString() {
        return rows + " rows, checksum " + Long.toHexString(checksum);
    }
}
