/**
 * The AlphaPulse migration set ({@link com.alphapulse.db.schema.AlphaPulseSchema#migrations()}): the Flyway
 * migrations and undo scripts under {@code db/alphapulse}, the expected catalog of each version, and the
 * generated jOOQ types, of the newest version in {@code head} and of each version in {@code vNNN} (published
 * apart, as the {@code schema:versions} artifact, so a service's classpath has {@code head} only).
 */
package com.alphapulse.db.schema;
