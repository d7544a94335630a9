/** Tests of the verifier on a real PostgreSQL: clean versions, tampered databases, probe, snapshots, figures. */
package com.alphapulse.db.verification;
