/**
 * Running a unit of work as one tenant, so that PostgreSQL row-level security (migration 008) shows and
 * accepts only that tenant's rows: {@link com.alphapulse.tenant.jdbc.TenantScope}, on a JDBC
 * {@link javax.sql.DataSource} or {@link java.sql.Connection}, or on a jOOQ {@link org.jooq.DSLContext}; and
 * {@link com.alphapulse.tenant.jdbc.TenantErrors}, its translation of database failures for code outside a
 * scope.
 */
package com.alphapulse.tenant.jdbc;
