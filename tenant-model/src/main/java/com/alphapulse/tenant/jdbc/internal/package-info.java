/** The transaction handling behind {@link com.alphapulse.tenant.jdbc.TenantScope}; not an API. */
package com.alphapulse.tenant.jdbc.internal;
