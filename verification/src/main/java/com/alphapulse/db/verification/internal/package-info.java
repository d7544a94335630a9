/**
 * How the verifier works: reading the live catalog and the expected one, comparing them, the tenancy
 * rules, the isolation probe with its temporary role and rows, data snapshots and the RLS measurement.
 * Not an API: only {@link com.alphapulse.db.verification.Verifier} calls in here.
 */
package com.alphapulse.db.verification.internal;
