/** Tenant scopes inside Spring transactions on a real PostgreSQL, as the application role. */
package com.alphapulse.tenant.spring;
