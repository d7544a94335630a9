/** Tests of the verifier's internals that the public API does not show. */
package com.alphapulse.db.verification.internal;
