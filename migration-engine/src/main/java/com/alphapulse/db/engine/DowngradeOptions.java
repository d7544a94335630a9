package com.alphapulse.db.engine;

/**
 * How a downgrade treats data the undo scripts would drop, and a live catalog that does not match history.
 *
 * @param archive archive what the undo drops (every row of a dropped table with its GRANTs and sequence
 *     positions; each row's primary key with the value of a dropped column) in the same transaction as the
 *     undo, so that upgrading again restores it exactly. A column drop on a table without a primary key and a
 *     column type change cannot be archived: they need {@code acceptDataLoss}
 * @param acceptDataLoss run even when data that is not archived would be lost (MEDIUM or HIGH risk)
 * @param force run even when the live catalog does not match the version the history records (refused with
 *     {@code CATALOG_MISMATCH} otherwise): the undo scripts were written for that version's exact catalog
 */
public record DowngradeOptions(boolean archive, boolean acceptDataLoss, boolean force) {

    /** Without {@code force}. */
    public DowngradeOptions(boolean archive, boolean acceptDataLoss) {
        this(archive, acceptDataLoss, false);
    }

    /** Archive, refuse any loss the archive does not cover, and refuse a catalog that does not match history. */
    public static DowngradeOptions defaults() {
        return new DowngradeOptions(true, false, false);
    }

    /** These options with archiving switched on or off. */
    public DowngradeOptions withArchive(boolean value) {
        return new DowngradeOptions(value, acceptDataLoss, force);
    }

    /** These options accepting (or not) the loss of data that is not archived. */
    public DowngradeOptions withAcceptDataLoss(boolean value) {
        return new DowngradeOptions(archive, value, force);
    }

    /** These options running (or not) when the live catalog does not match the recorded version. */
    public DowngradeOptions withForce(boolean value) {
        return new DowngradeOptions(archive, acceptDataLoss, value);
    }
}
