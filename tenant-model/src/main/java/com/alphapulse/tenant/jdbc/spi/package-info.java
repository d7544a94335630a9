/**
 * How a transaction manager lends the caller's transaction to a tenant scope:
 * {@link com.alphapulse.tenant.jdbc.spi.TransactionJoin}, found with {@link java.util.ServiceLoader}. The
 * {@code tenant-model-spring} artifact registers one for Spring's transaction synchronization; services never
 * call this package.
 */
package com.alphapulse.tenant.jdbc.spi;
