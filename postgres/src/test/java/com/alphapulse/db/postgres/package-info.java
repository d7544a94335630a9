/** Tests of the PostgreSQL provider against the real server it provides. */
package com.alphapulse.db.postgres;
