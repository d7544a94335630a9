/**
 * A migration set as data ({@link com.alphapulse.db.migrations.MigrationSet}), the one version type
 * ({@link com.alphapulse.db.migrations.Version}), the catalog queries that describe a version and the one
 * Flyway configuration. No AlphaPulse table is known here.
 */
package com.alphapulse.db.migrations;
