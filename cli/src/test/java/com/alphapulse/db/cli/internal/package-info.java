/** The commands run in-process against a real PostgreSQL, with their output captured. */
package com.alphapulse.db.cli.internal;
