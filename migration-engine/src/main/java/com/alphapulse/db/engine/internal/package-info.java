/**
 * The engine's implementation: Flyway set-up and its restore callback, the undo-script analyser, the
 * planner, the downgrade runner with its archive, journal and advisory lock, stamp, repair, status and the
 * static description of an undo script. Nothing here is API; {@link com.alphapulse.db.engine.MigrationEngine} is.
 */
package com.alphapulse.db.engine.internal;
