package com.alphapulse.db.engine;

/**
 * How a downgrade treats data the undo scripts would drop.
 *
 * @param archive archive what the undo drops (every row of a dropped table with its GRANTs and sequence
 *     positions; each row's primary key with the value of a dropped column) in the same transaction as the
 *     undo, so that upgrading again restores it exactly. A column drop on a table without a primary key and a
 *     column type change cannot be archived: they need {@code acceptDataLoss}
 * @param acceptDataLoss run even when data that is not archived would be lost (MEDIUM or HIGH risk)
 */
public record DowngradeOptions(boolean archive, boolean acceptDataLoss) {

    /** Archive, and refuse any loss the archive does not cover. */
    public static DowngradeOptions defaults() {
        return new DowngradeOptions(true, false);
    }

    /** These options with archiving switched on or off. */
    public DowngradeOptions withArchive(boolean value) {
        return new DowngradeOptions(value, acceptDataLoss);
    }

    /** These options accepting (or not) the loss of data that is not archived. */
    public DowngradeOptions withAcceptDataLoss(boolean value) {
        return new DowngradeOptions(archive, value);
    }
}
