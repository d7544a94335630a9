/**
 * Test support for services: {@link com.alphapulse.tenant.testing.TenantTestDatabase}, a JUnit 5 extension giving a
 * real PostgreSQL database at the head of the AlphaPulse set, an application role with exactly the grants
 * {@code provision --app-role} gives, and seeded tenants; {@link com.alphapulse.tenant.testing.TenantRows} adds rows
 * per tenant. Depends on no service library (tenant-model's own tests use it).
 */
package com.alphapulse.tenant.testing;
