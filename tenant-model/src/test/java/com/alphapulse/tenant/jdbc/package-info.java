/** Tests of tenant scopes against row-level security on a real PostgreSQL, as a plain application role. */
package com.alphapulse.tenant.jdbc;
