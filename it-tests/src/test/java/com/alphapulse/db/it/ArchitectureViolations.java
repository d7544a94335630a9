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
}
