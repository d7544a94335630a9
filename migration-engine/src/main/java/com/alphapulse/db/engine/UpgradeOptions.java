package com.alphapulse.db.engine;

/**
 * How an upgrade treats a live catalog that does not match history.
 *
 * @param force run even when the live catalog does not match the version the history records (refused with
 *     {@code CATALOG_MISMATCH} otherwise): the migrations were written for that version's exact catalog
 */
public record UpgradeOptions(boolean force) {

    /** Refuse a catalog that does not match history. */
    public static UpgradeOptions defaults() {
        return new UpgradeOptions(false);
    }

    /** These options running (or not) when the live catalog does not match the recorded version. */
    public UpgradeOptions withForce(boolean value) {
        return new UpgradeOptions(value);
    }
}
