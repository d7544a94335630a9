/** The jOOQ implementation of the tenants repository and its MapStruct mapper; not an API. */
package com.alphapulse.tenant.repository.internal;
