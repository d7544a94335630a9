/** Test fixtures: a migrated database with an application login role and rows of several tenants. */
package com.alphapulse.tenant.testing;
