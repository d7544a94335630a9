package com.alphapulse.db.postgres;

/** Where the PostgreSQL server behind a {@link PostgresProvider} comes from. */
public enum ServerKind {
    /** A server named by {@code ALPHAPULSE_PG_URL}. */
    EXTERNAL,
    /** A container started through Testcontainers. */
    TESTCONTAINERS,
    /** An embedded server run from the PostgreSQL binaries on the classpath. */
    EMBEDDED
}
