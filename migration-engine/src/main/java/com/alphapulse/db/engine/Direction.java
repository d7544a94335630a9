package com.alphapulse.db.engine;

/** What a journal entry records. */
public enum Direction {
    /** A version applied through Flyway. */
    UP,
    /** A version undone by the engine. */
    DOWN,
    /** The recorded version set without running scripts. */
    STAMP,
    /** Leftovers of a failed step cleaned and failed history rows removed. */
    REPAIR
}
