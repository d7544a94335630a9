package com.alphapulse.db.engine.internal;

import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.MigrationException.Code;

/**
 * The engine honours thread interruption between its steps: a caller that wants a run to stop (the CLI on SIGINT or
 * SIGTERM) cancels the statement in flight and interrupts the thread, and a run that was between two statements
 * stops at the next boundary instead of starting the next version or batch.
 */
final class Interruptions {

    private Interruptions() {}

    /** Refuses to start {@code what} when the calling thread was interrupted; the flag stays set for the caller. */
    static void check(String what) {
        if (Thread.currentThread().isInterrupted()) {
            throw new MigrationException(Code.INTERRUPTED, "interrupted before " + what);
        }
    }

    /** Sleeps; false when interrupted (the flag set again), so the caller can journal the interruption. */
    static boolean sleep(java.time.Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
