package com.alphapulse.db.engine;

/** How a journaled step ended. */
public enum Outcome {
    /** The step committed. */
    SUCCESS,
    /** The step was rolled back (or, for a non-transactional step, stopped part-way). */
    FAILED,
    /**
     * The step was stopped from outside: its statement cancelled (the CLI on SIGINT/SIGTERM, or
     * {@code pg_cancel_backend}), its session terminated, or the thread interrupted while it waited to retry. A
     * transactional step was rolled back; an online one left its resumable state (a step outside a transaction that
     * needs repair stays FAILED).
     */
    INTERRUPTED
}
