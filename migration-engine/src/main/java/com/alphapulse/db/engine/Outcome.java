package com.alphapulse.db.engine;

/** How a journaled step ended. */
public enum Outcome {
    /** The step committed. */
    SUCCESS,
    /** The step was rolled back (or, for a non-transactional step, stopped part-way). */
    FAILED
}
