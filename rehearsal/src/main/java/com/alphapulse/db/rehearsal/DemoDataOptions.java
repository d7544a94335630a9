package com.alphapulse.db.rehearsal;

/**
 * What {@link Rehearsals#loadDemoData(DemoDataOptions)} inserts.
 *
 * @param tenants how many new tenants to create (at least 1); the data is spread evenly over them
 * @param scale 1.0 gives about 100,000 trades (and proportionate users, accounts, positions, snapshots,
 *     risk metrics, signals and audit logs); 0.01 gives about 1,000
 * @param seed makes tenant ids, names and the random values reproducible
 * @param sharedEmails how many email addresses every tenant uses too (0 keeps emails globally unique, so a
 *     full downgrade stays possible; more makes the undo of 006 refuse)
 * @param intoExistingTenants load even when the database already holds tenants (see
 *     {@link Rehearsals#countTenants()}); refused otherwise, so that fake tenants never land among real ones
 */
public record DemoDataOptions(int tenants, double scale, long seed, int sharedEmails, boolean intoExistingTenants) {

    public DemoDataOptions {
        if (tenants < 1) {
            throw new IllegalArgumentException("tenants must be at least 1");
        }
        if (!(scale > 0) || scale > 100) {
            throw new IllegalArgumentException("scale must be in (0, 100]");
        }
        if (sharedEmails < 0) {
            throw new IllegalArgumentException("sharedEmails must not be negative");
        }
    }

    /** Options with globally unique emails. */
    public DemoDataOptions(int tenants, double scale, long seed) {
        this(tenants, scale, seed, 0, false);
    }

    /** These options with {@code count} emails shared by every tenant. */
    public DemoDataOptions withSharedEmails(int count) {
        return new DemoDataOptions(tenants, scale, seed, count, intoExistingTenants);
    }

    /** These options loading (or not) into a database that already holds tenants. */
    public DemoDataOptions withIntoExistingTenants(boolean load) {
        return new DemoDataOptions(tenants, scale, seed, sharedEmails, load);
    }
}
