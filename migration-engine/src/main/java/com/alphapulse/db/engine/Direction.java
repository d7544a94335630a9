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
    REPAIR,
    /** Roles and privileges a superuser gave the migration role ({@link MigrationEngine#provision(String)}). */
    PROVISION,
    /** An archive retired by hand ({@link MigrationEngine#purgeArchive}). */
    PURGE
}
