package com.alphapulse.db.verification;

/** How much a {@link Finding} matters. */
public enum Severity {
    /**
     * The database is not in the expected state: an object is missing or different, row-level security
     * is off or not forced, a policy or required role is missing or wrong, an index is invalid.
     */
    ERROR,
    /** The database has an object the schema does not know (an extra table, column, index, constraint, policy). */
    WARNING
}
