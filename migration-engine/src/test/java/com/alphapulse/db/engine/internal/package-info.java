/**
 * Tests of the engine's internals: the script analyser, the target syntax, message scrubbing (no database),
 * and the migration lock's release through a connection pool (real PostgreSQL).
 */
package com.alphapulse.db.engine.internal;
