package com.alphapulse.db.engine;

/**
 * How a downgrade treats data the undo scripts would drop.
 *
 * @param archive archive tenant data (every {@code tenants} row, each table's primary key with its
 *     {@code tenant_id}) in the same transaction as the undo, so that upgrading again restores it exactly
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
