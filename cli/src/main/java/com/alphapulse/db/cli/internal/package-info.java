/** The picocli commands, connection handling and rendering of results as text or JSON. */
package com.alphapulse.db.cli.internal;
