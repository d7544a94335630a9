/**
 * Tests of the rehearsal module's facade on a real PostgreSQL: each class works on databases of its own;
 * {@code Fixtures} holds the shared helpers.
 */
package com.alphapulse.db.rehearsal;
