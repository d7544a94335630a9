/**
 * The {@code tenants} table through the head schema version's jOOQ types:
 * {@link com.alphapulse.tenant.repository.TenantsRepository}. The table has no row-level security, so these
 * operations need no tenant scope; they need a role with privileges on {@code tenants}.
 */
package com.alphapulse.tenant.repository;
