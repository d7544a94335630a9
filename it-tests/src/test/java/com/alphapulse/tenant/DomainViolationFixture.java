package com.alphapulse.tenant;

/**
 * Lives in the tenant domain package on purpose and reaches for JDBC, so the architecture test can prove
 * that the domain rule fails on a real violation. Test code only; never on a consumer's classpath.
 */
final class DomainViolationFixture {
    java.sql.Connection connection;
}
