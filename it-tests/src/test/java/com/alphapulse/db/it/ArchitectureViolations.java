package com.alphapulse.db.it;

/** Classes that break the rules on purpose, to prove the rules can fail. */
final class ArchitectureViolations {

    private ArchitectureViolations() {}

    /** A library class that prints. */
    static final class PrintingLibrary {
        void report() {
            System.out.println("libraries must not print");
        }
    }

    /** A second Flyway configuration beside the migration set's. */
    static final class OwnFlyway {
        Object flyway() {
            return org.flywaydb.core.Flyway.configure().locations("classpath:db/migration");
        }
    }
}
