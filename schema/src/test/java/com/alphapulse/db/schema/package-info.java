/** Tests of the migration and undo scripts on a real PostgreSQL. */
package com.alphapulse.db.schema;
