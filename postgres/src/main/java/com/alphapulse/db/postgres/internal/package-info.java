/** How each kind of server is started or reached. */
package com.alphapulse.db.postgres.internal;
