/** The test database's lifecycle (create, migrate, provision, seed, drop) and its rows per tenant. Not API. */
package com.alphapulse.tenant.testing.internal;
