/**
 * Proves that a live PostgreSQL database is exactly at a version of a migration set (AlphaPulse's unless told otherwise): structure,
 * row-level security, policies, roles, tenant isolation and data.
 *
 * <p>Start at {@link com.alphapulse.db.verification.Verifier}: {@code Verifier.on(dataSource)} and one verb
 * per question ({@code verify}, {@code identify}, {@code checkTenancy}, {@code probe}, {@code fill}, {@code snapshot},
 * {@code compare}, {@code measureRlsOverhead}). Every verb answers with a {@code <Verb>Result} record and
 * fails only with {@link com.alphapulse.db.verification.VerificationException}.
 */
package com.alphapulse.db.verification;
