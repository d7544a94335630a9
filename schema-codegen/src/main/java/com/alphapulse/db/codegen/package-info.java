/**
 * Build-time generator of the schema module: per-version jOOQ types and expected catalogs, taken from a
 * real PostgreSQL migrated to each version. Never on a consumer's classpath.
 */
package com.alphapulse.db.codegen;
