/**
 * The tenant domain: {@link com.alphapulse.tenant.TenantId}, {@link com.alphapulse.tenant.Tenant} and its
 * parts, and the module's one exception {@link com.alphapulse.tenant.TenantException}.
 *
 * <p>This package depends on nothing but the JDK (no JDBC, no jOOQ), so a service may pass these types
 * through any layer. Running work as a tenant is in {@link com.alphapulse.tenant.jdbc}; reading and writing
 * the {@code tenants} table is in {@link com.alphapulse.tenant.repository}.
 */
package com.alphapulse.tenant;
