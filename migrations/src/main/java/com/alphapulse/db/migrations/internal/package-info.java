/** Reading and writing the files of a migration set. */
package com.alphapulse.db.migrations.internal;
