/** Tests of the scopes' internals that need no database: the translation of failures. */
package com.alphapulse.tenant.jdbc.internal;
