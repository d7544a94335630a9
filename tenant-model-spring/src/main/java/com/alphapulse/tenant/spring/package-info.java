/**
 * Tenant scopes inside Spring-managed transactions: with this artifact on the class path,
 * {@link com.alphapulse.tenant.jdbc.TenantScope} on a data source (or a jOOQ context on one) that a Spring
 * transaction holds a connection of runs on that connection, in that transaction
 * ({@link com.alphapulse.tenant.spring.SpringTransactionJoin}). Nothing to call: it is found with
 * {@link java.util.ServiceLoader}.
 */
package com.alphapulse.tenant.spring;
