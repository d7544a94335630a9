/**
 * Test support for this repository's modules: test databases migrated through the one Flyway
 * configuration, their catalogs, and migration sets built at test time (the fixture set and copies of a
 * set with migrations added).
 */
package com.alphapulse.db.testing;
