/**
 * Demo data, the rollback rehearsal and the runbook, above the engine and verification.
 * {@link com.alphapulse.db.rehearsal.Rehearsals} is the facade: {@code loadDemoData}, {@code rehearse} and
 * {@code runbook}, each returning a {@code <Verb>Result} record. The runbook is a model
 * ({@link com.alphapulse.db.rehearsal.RunbookResult}); how to invoke each step is the front end's to render.
 * Refusals and failures are the engine's {@link com.alphapulse.db.engine.MigrationException} with its codes.
 */
package com.alphapulse.db.rehearsal;
