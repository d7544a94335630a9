package com.alphapulse.db.engine;

/** How much data an undo step would destroy, judged from what its statements do to the live data. */
public enum Risk {
    /** Nothing held in rows is lost (indexes, policies, row-level security flags, empty objects). */
    NONE,
    /** Values of a column that holds data are lost (e.g. {@code trades.tenant_id}). */
    MEDIUM,
    /** Whole rows are lost: a table that holds rows is dropped. */
    HIGH;

    /** The greater of this and {@code other}. */
    public Risk max(Risk other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
