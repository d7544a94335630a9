/** Tests of the tenants repository on a real PostgreSQL, as a plain application role. */
package com.alphapulse.tenant.repository;
