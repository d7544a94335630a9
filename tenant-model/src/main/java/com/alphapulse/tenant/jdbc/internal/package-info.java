/**
 * The transaction handling behind {@link com.alphapulse.tenant.jdbc.TenantScope} and the translation of
 * database failures behind it and {@link com.alphapulse.tenant.jdbc.TenantErrors}; not an API.
 */
package com.alphapulse.tenant.jdbc.internal;
