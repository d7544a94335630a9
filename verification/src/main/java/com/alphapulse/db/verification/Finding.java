package com.alphapulse.db.verification;

import java.util.Objects;

/**
 * One difference between a live database and what was expected of it.
 *
 * @param severity {@link Severity#ERROR} for a missing or different object, {@link Severity#WARNING} for an
 *     extra one
 * @param objectType what kind of object, one of the constants of this class (e.g. {@link #POLICY})
 * @param object the object, qualified by its table where it has one (e.g. {@code trades.tenant_id},
 *     {@code trades.trades_tenant_isolation_select}); a table name for tables and their row-level
 *     security; a role name for roles
 * @param expected what the expected state says, e.g. {@code NOT NULL}, or {@code absent} for an extra object
 * @param actual what the live database has, e.g. {@code NULL}, or {@code missing} for a missing object
 * @param message one sentence for a person
 */
public record Finding(Severity severity, String objectType, String object, String expected, String actual,
        String message) {

    /** A table. */
    public static final String TABLE = "table";
    /** A column of a table. */
    public static final String COLUMN = "column";
    /** An index. */
    public static final String INDEX = "index";
    /** A primary key constraint. */
    public static final String PRIMARY_KEY = "primary key";
    /** A unique constraint. */
    public static final String UNIQUE = "unique";
    /** A check constraint. */
    public static final String CHECK = "check";
    /** A foreign key constraint. */
    public static final String FOREIGN_KEY = "foreign key";
    /** Any other constraint (exclusion constraints). */
    public static final String CONSTRAINT = "constraint";
    /** A row-level security policy. */
    public static final String POLICY = "policy";
    /** Whether row-level security is enabled on a table. */
    public static final String ROW_SECURITY = "row level security";
    /** Whether row-level security is forced, i.e. applies to the table's owner too. */
    public static final String FORCE_ROW_SECURITY = "force row level security";
    /** A database role. */
    public static final String ROLE = "role";
    /**
     * Rows that break a tenancy rule, found by the data checks ({@link Verifier#verifyData}): e.g. child rows
     * whose tenant_id differs from their parent's; the object is the table and foreign key.
     */
    public static final String ROWS = "rows";

    /**
     * What the message of a finding says when the version the database is at ships the object itself (e.g.
     * AlphaPulse 009's single-column foreign keys): such a finding is a WARNING, see {@link #knownInVersion()}.
     */
    public static final String KNOWN_IN_VERSION = " (known in ";

    /** The text used as {@code expected} for an object that should not exist. */
    public static final String ABSENT = "absent";
    /** The text used as {@code actual} for an object that does not exist. */
    public static final String MISSING = "missing";

    public Finding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(objectType, "objectType");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(message, "message");
    }

    /** Whether this finding is an {@link Severity#ERROR}. */
    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /**
     * Whether this is a tenancy finding that the expected schema of the version the database is at has too: a
     * WARNING that a later version fixes (or none yet), not damage; a CI gate may accept it where it fails on
     * other warnings.
     */
    public boolean knownInVersion() {
        return severity == Severity.WARNING && message.contains(KNOWN_IN_VERSION);
    }

    @Override
    public String toString() {
        return severity + " " + objectType + " " + object + ": " + message;
    }
}
