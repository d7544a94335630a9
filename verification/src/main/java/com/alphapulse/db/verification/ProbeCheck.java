package com.alphapulse.db.verification;

/**
 * One check of the isolation probe: one table, one command, one case. A check with no tenant in scope passes
 * when it sees or touches nothing, or when PostgreSQL refuses it: SQLSTATE 22P02 (an empty setting cast to
 * uuid, up to AlphaPulse 010), AP001 ("no tenant in scope", from 011 on) or 42501 for a write.
 *
 * @param table the tenant table, e.g. {@code trades}
 * @param command {@code SELECT}, {@code INSERT}, {@code UPDATE} or {@code DELETE}
 * @param scenario what was tried, one of the constants of this class
 * @param passed whether isolation held
 * @param detail what happened, e.g. "saw 2 rows, all of tenant A" or the error PostgreSQL raised
 */
public record ProbeCheck(String table, String command, String scenario, boolean passed, String detail) {

    /** Tenant A sees, updates or deletes exactly its own rows and no row of tenant B. */
    public static final String OWN_ROWS_ONLY = "own tenant's rows only";
    /** Tenant A asks for tenant B's rows by tenant_id and gets none. */
    public static final String OTHER_TENANT_INVISIBLE = "other tenant's rows invisible";
    /** Tenant A may insert a row of its own (the policy is not simply deny-all). */
    public static final String OWN_INSERT_ALLOWED = "insert into own tenant allowed";
    /** Tenant A cannot insert a row that belongs to tenant B. */
    public static final String OTHER_INSERT_REJECTED = "insert into other tenant rejected";
    /** Tenant A cannot move one of its rows into tenant B. */
    public static final String MOVE_REJECTED = "move row into other tenant rejected";
    /** A session with no tenant set sees nothing. */
    public static final String NO_TENANT_SEES_NOTHING = "no tenant set sees nothing";
    /** A session with no tenant set cannot insert. */
    public static final String NO_TENANT_INSERT_REJECTED = "no tenant set cannot insert";
    /** A session with no tenant set changes nothing. */
    public static final String NO_TENANT_TOUCHES_NOTHING = "no tenant set touches nothing";
    /** A session whose tenant setting was emptied ({@code ''}, as a pooled session reads after use) sees nothing. */
    public static final String EMPTY_TENANT_SEES_NOTHING = "emptied tenant sees nothing";
    /** A session whose tenant setting was emptied cannot insert. */
    public static final String EMPTY_TENANT_INSERT_REJECTED = "emptied tenant cannot insert";
    /** A session whose tenant setting was emptied changes nothing. */
    public static final String EMPTY_TENANT_TOUCHES_NOTHING = "emptied tenant touches nothing";

    /** A name unique within one probe, e.g. {@code trades SELECT own tenant's rows only}. */
    public String name() {
        return table + " " + command + " " + scenario;
    }
}
