/**
 * One real PostgreSQL server per JVM, and fresh databases on it.
 *
 * <p>{@link com.alphapulse.db.postgres.PostgresProvider} picks the server in a fixed order: an
 * external server named by {@code ALPHAPULSE_PG_URL} (with {@code ALPHAPULSE_PG_USER} and
 * {@code ALPHAPULSE_PG_PASSWORD}), else Testcontainers when a Docker engine answers, else an embedded
 * PostgreSQL started from the binaries on the classpath. Tests, the jOOQ code generator and the CLI's
 * embedded default all use it.
 */
package com.alphapulse.db.postgres;
