/** Tests of the MapStruct mapping between {@code tenants} rows and the domain. */
package com.alphapulse.tenant.repository.internal;
