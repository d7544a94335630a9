/**
 * The AlphaPulse schema: its versions, the Flyway migration and the undo script of each, the expected
 * catalog of each version, and (in the generated {@code vNNN} packages) the jOOQ types of each version.
 */
package com.alphapulse.db.schema;
