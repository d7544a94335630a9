/**
 * The rehearsal module's implementation: the demo data generator, the rehearsal loop and the runbook's
 * model builder, on the public API of the engine and verification only. Nothing here is API;
 * {@link com.alphapulse.db.rehearsal.Rehearsals} is.
 */
package com.alphapulse.db.rehearsal.internal;
