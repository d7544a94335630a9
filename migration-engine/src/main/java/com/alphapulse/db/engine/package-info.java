/**
 * The AlphaPulse migration engine. {@link com.alphapulse.db.engine.MigrationEngine} is the facade:
 * {@code status}, {@code history}, {@code upgrade}, {@code plan}, {@code downgrade}, {@code stamp},
 * {@code repair} (and, for modules built on it, {@code describeUndo}, {@code withConnection} and
 * {@code withLock}), each returning a {@code <Verb>Result} record with measured
 * durations or throwing a {@link com.alphapulse.db.engine.MigrationException} whose
 * {@link com.alphapulse.db.engine.MigrationException.Code} is stable.
 *
 * <p>Upgrades go through Flyway and its history table; downgrades run the schema's undo scripts
 * ({@code undo/UNNN__*.sql} of the migration set), one transaction per version that also archives the data the undo drops (every
 * row of a dropped table with its GRANTs, every value of a dropped column keyed by primary key), removes the version's history row and journals the step, so Flyway's own info, validate and
 * migrate keep working on the same history table.
 */
package com.alphapulse.db.engine;
