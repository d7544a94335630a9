/** Tests of the engine's internals that need no database: the script analyser and the target syntax. */
package com.alphapulse.db.engine.internal;
