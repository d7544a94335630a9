package com.alphapulse.db.verification;

import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.verification.internal.Filler;
import com.alphapulse.db.verification.internal.IsolationProbe;
import com.alphapulse.db.verification.internal.RlsOverhead;
import com.alphapulse.db.verification.internal.SnapshotComparator;
import com.alphapulse.db.verification.internal.Snapshotter;
import com.alphapulse.db.verification.internal.TenancyRules;
import com.alphapulse.db.verification.internal.Versions;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Proves what state a live database is in. One instance per database; thread-safe, holds no connection
 * between calls (each verb takes a connection from the data source and returns it).
 *
 * <pre>{@code
 * Verifier verifier = Verifier.on(dataSource, set);        // any migration set; on(dataSource): AlphaPulse's
 * VerifyResult r = verifier.verify(set.head());
 * if (!r.clean()) { r.errors().forEach(...); }
 * FillResult data = verifier.fill(FillOptions.of(3, 1_000).withRows("orders", 33_334));
 * }</pre>
 *
 * <p>Nothing here knows a table by name. The tenant tables are read from the live catalog: every table of
 * schema {@code public} with a {@code tenant_id} column (for the tenancy rules also those with row-level
 * security or a policy, and those that have tenant_id at the head of the migration set). The tenant registry
 * is the table their tenant_id foreign keys reference ({@code tenants} by convention, when none does yet).
 * Row-level security is expected to key on the session setting {@code app.current_tenant_id}.
 *
 * <p>The data source's user needs to read the catalog for {@link #verify}, {@link #identify} and
 * {@link #checkTenancy}. {@link #snapshot} and {@link #verifyData} read every tenant's rows: a user that
 * row-level security filters (the production migration role: owner, neither superuser nor BYPASSRLS, under
 * FORCE ROW LEVEL SECURITY) reads the filtered tables as {@code rls_bypass_role}, of which it must be a member,
 * and is refused with {@link VerificationException.Code#INSUFFICIENT_PRIVILEGE} otherwise. {@link #fill}
 * writes each tenant's rows with that tenant in scope. {@link #probe} and {@link #measureRlsOverhead} need the
 * owner's right to grant on the tenant tables, and either the right to create roles (superuser, CREATEROLE)
 * or membership in the provisioned {@link #PROBE_ROLE}; neither creates a LOGIN role or a password, and
 * neither commits anything.
 */
public final class Verifier {

    /**
     * The role the isolation probe and the RLS measurement run as when the data source's user may not create
     * roles (the production migration role: owner, neither superuser nor BYPASSRLS nor CREATEROLE). A superuser
     * creates it once with provision: {@code CREATE ROLE alphapulse_probe NOLOGIN NOINHERIT NOBYPASSRLS} and
     * {@code GRANT alphapulse_probe TO <migrator>}. It owns nothing and holds no privilege outside a probe's
     * rolled-back transaction.
     */
    public static final String PROBE_ROLE = "alphapulse_probe";

    private final DataSource dataSource;
    private final MigrationSet set;

    private Verifier(DataSource dataSource, MigrationSet set) {
        this.dataSource = dataSource;
        this.set = set;
    }

    /** A verifier for the database behind {@code dataSource}, against the AlphaPulse migration set. */
    public static Verifier on(DataSource dataSource) {
        return on(dataSource, AlphaPulseSchema.migrations());
    }

    /** A verifier for the database behind {@code dataSource}, against the versions of {@code set}. */
    public static Verifier on(DataSource dataSource, MigrationSet set) {
        return new Verifier(Objects.requireNonNull(dataSource, "dataSource"), Objects.requireNonNull(set, "set"));
    }

    /** The migration set this verifier knows. */
    public MigrationSet migrations() {
        return set;
    }

    /**
     * Compares the live catalog of schema {@code public} with the expected state of {@code expected}, read in
     * one round trip. What is compared: tables and their row-level security flags (enabled, forced); columns
     * (type, NOT NULL, default, identity); indexes (full definition and validity); constraints (primary key,
     * unique, check, foreign key); policies (permissive or restrictive, command, roles, USING, WITH CHECK); and
     * the roles the version itself creates (LOGIN, BYPASSRLS, SUPERUSER). What is not compared: triggers,
     * functions, views, sequences, types, extensions, grants and ownership, comments, other schemas, and the
     * data. A database at that version gives no finding.
     *
     * <p>Missing or different objects, RLS flags, policies, roles with wrong attributes and invalid indexes are
     * {@link Severity#ERROR}s. Objects the version does not know are {@link Severity#WARNING}s, except an
     * extra permissive policy on a table with row-level security enabled whose USING or WITH CHECK does not
     * compare tenant_id with {@code current_setting('app.current_tenant_id')::uuid}: permissive policies are
     * OR-ed, so such a policy opens the table to every tenant, and it is an {@link Severity#ERROR}. Roles are
     * cluster-wide, so only the roles the version requires are looked at, never extra ones.
     */
    public VerifyResult verify(SchemaVersion expected) {
        return Versions.verify(dataSource, expected);
    }

    /**
     * {@link #verify(SchemaVersion)} and the tenant data ({@code verify --data}): the live catalog against
     * {@code expected}; the tenancy key rules on the live catalog (a foreign key between two tenant tables
     * without tenant_id on both sides is an {@link Severity#ERROR}, a unique key or unique index of a tenant
     * table without tenant_id a {@link Severity#WARNING}; a primary key on a generated identity column is
     * exempt), except that what {@code expected}'s own expected catalog has too (AlphaPulse 007 to 009 ship
     * single-column foreign keys and global unique keys) is a WARNING saying it is known in that version and
     * which later version of the set fixes it; and, for every foreign key from a tenant table to a tenant
     * table that does not carry tenant_id, the child rows whose tenant_id differs from their parent's
     * ({@link Finding#ROWS}, an ERROR with table, key, count and up to five sample keys: cross-tenant data).
     * The rows are read as a role that sees every tenant (the user itself when it bypasses row-level
     * security, else {@code rls_bypass_role}); nothing is written.
     *
     * @throws VerificationException {@code INSUFFICIENT_PRIVILEGE} when row-level security filters the user
     *     and it may not use {@code rls_bypass_role} (the message names the grant): never a partial count
     */
    public VerifyResult verifyData(SchemaVersion expected) {
        return Versions.verifyData(dataSource, expected);
    }

    /**
     * Which version the database is at: the version at the smallest distance, the match when it has no
     * error, with the findings against it; an empty database is before the first version. See
     * {@link IdentifyResult}.
     */
    public IdentifyResult identify() {
        return Versions.identify(dataSource, set, null);
    }

    /**
     * {@link #identify()}, comparing the live catalog with {@code likely} (the version the history records) first:
     * when the database is exactly there (no finding at all, not even an extra object), that is the answer, and no
     * other version is compared, so {@link IdentifyResult#distances()} holds {@code likely}'s alone. Otherwise the
     * same as {@link #identify()}, on the same single read of the catalog. The one difference is a tie:
     * {@link #identify()} prefers the lower of two versions with the same catalog (a data-only migration), this
     * prefers {@code likely}, which is the better answer when the history records it.
     */
    public IdentifyResult identify(SchemaVersion likely) {
        return Versions.identify(dataSource, set, Objects.requireNonNull(likely, "likely"));
    }

    /**
     * Checks the rules any multi-tenant schema must keep on the live catalog, whatever its version. The tenant
     * tables are those with a tenant_id column, row-level security or a policy, and the tables that have
     * tenant_id at the head of the migration set wherever they exist (so that a table that lost tenant_id does
     * not escape the rules); each must have a tenant_id column (its absence is an error), NOT NULL, with a
     * foreign key to the tenant registry and a valid index whose first key is the plain column tenant_id and that has no
     * predicate (expression keys and partial indexes do not count), row-level security enabled and forced, and
     * for each of SELECT, INSERT, UPDATE and DELETE at least one permissive policy (a FOR ALL policy counts for
     * all four), every one of which confines USING and WITH CHECK, as the command requires, to the current
     * tenant: {@code tenant_id = current_setting('app.current_tenant_id'…)::uuid} as PostgreSQL prints it,
     * alone or as one operand of a top-level AND, never under an OR. Any other use of tenant_id (e.g.
     * {@code tenant_id IS NOT NULL}) does not count. The key rules of {@link #verifyData} apply too, with
     * what the version the database is nearest to ships itself reported as known warnings (so a correct 009
     * database stays clean). The application role, when given, must exist, be neither
     * superuser nor BYPASSRLS, own no tenant table and not be a member of a role that is or does.
     *
     * @param applicationRole the role the application connects as; null skips the role rules
     */
    public TenancyResult checkTenancy(String applicationRole) {
        return TenancyRules.check(dataSource, set, applicationRole);
    }

    /**
     * The isolation probe. On one connection, in ONE transaction that is always rolled back: a role that is
     * neither superuser nor BYPASSRLS, cannot log in and owns nothing (a random NOLOGIN NOINHERIT role created
     * in that transaction when the data source's user may create roles, superuser or CREATEROLE; otherwise the
     * provisioned {@link #PROBE_ROLE}) is granted the four commands on every tenant table of the live catalog;
     * two fresh tenants A and B get two generated rows per table (as {@link #fill} generates them, written as
     * {@code rls_bypass_role} or with each tenant in scope when row-level security filters the user); then,
     * as the role ({@code SET LOCAL ROLE} in a savepoint rolled back after each check), for each table and
     * each of SELECT, INSERT, UPDATE and DELETE: a session with no tenant ever set sees and touches nothing
     * (run first, while the setting is still unset on this session), tenant A sees and touches only its own
     * rows, cannot insert a row into B or move one there, and a session whose tenant setting is emptied sees
     * and touches nothing. A refusal with SQLSTATE 22P02 or AP001 counts as "nothing" for the no-tenant cases.
     * Nothing is ever committed: whatever fails, even a session killed halfway, no role, grant, tenant or row
     * is left, no password exists anywhere, and the session goes back to the data source as it came.
     *
     * @throws VerificationException {@code PRECONDITION_FAILED} when there is no tenant table, or a tenant
     *     table lacks tenant_id (e.g. AlphaPulse before 007: a table that has it at the set's head, or has
     *     row-level security, does not yet); {@code INSUFFICIENT_PRIVILEGE} when the user may not create roles
     *     and {@link #PROBE_ROLE} is missing, unsound (LOGIN, SUPERUSER, BYPASSRLS, an owner) or not granted to
     *     it (the message names the grant); {@code PROBE_SETUP_FAILED} when the grants or rows cannot be made;
     *     {@code CONNECTION_FAILED} when the session breaks halfway (nothing was committed)
     */
    public ProbeResult probe() {
        return IsolationProbe.run(dataSource, set);
    }

    /**
     * Generates data: {@link FillOptions#tenants()} new tenants in the tenant registry, then, for each, rows
     * in every tenant table of the live catalog, parents before children (a topological order of the foreign
     * keys), all in one transaction, then ANALYZE of the filled tables. Every column that needs a value gets
     * one of its type: NOT NULL columns without a default, key and unique columns, dates and times; lengths of
     * varchar, precision of numeric, enum labels and simple CHECK constraints ({@code IN (...)}, comparisons
     * with a number) are respected; a foreign key takes an existing parent row of the same tenant. The rows
     * are made with {@code INSERT ... SELECT ... FROM generate_series}, one statement per table and tenant, so
     * 100,000 rows take seconds. Each tenant's rows are written with {@code app.current_tenant_id} set to it,
     * so a table owner under FORCE ROW LEVEL SECURITY may fill too.
     *
     * @throws VerificationException {@code PRECONDITION_FAILED} when there is no tenant registry (no tenant_id
     *     with a foreign key), a column has a type no value can be generated for, or the seed was used before;
     *     {@code QUERY_FAILED} when an insert fails (e.g. a CHECK constraint too complex to read); nothing is
     *     inserted then
     */
    public FillResult fill(FillOptions options) {
        return Filler.fill(dataSource, Objects.requireNonNull(options, "options"));
    }

    /**
     * A snapshot of every table of schema {@code public}; the semantics are documented on {@link DataSnapshot}.
     * Tables that row-level security filters for the user are read as {@code rls_bypass_role}, so a filtered
     * owner gets every tenant's rows, or {@code INSUFFICIENT_PRIVILEGE} naming the grant, never a partial one.
     */
    public DataSnapshot snapshot() {
        return Snapshotter.take(dataSource, set, null);
    }

    /** A snapshot of the named tables only (names that do not exist are ignored). */
    public DataSnapshot snapshot(Collection<String> tables) {
        return Snapshotter.take(dataSource, set, List.copyOf(tables));
    }

    /**
     * Compares two snapshots, naming each table and tenant whose row count or checksum differs. A table
     * grouped by tenant on one side only (one snapshot taken below 006/007) is compared by its totals.
     */
    public static CompareResult compare(DataSnapshot before, DataSnapshot after) {
        return SnapshotComparator.compare(before, after);
    }

    /**
     * Measures what row-level security costs: representative tenant-scoped queries derived from the live
     * catalog (on the largest tenant table: its latest rows by the timestamp its composite tenant index
     * orders, or another indexed timestamp; a count; a row by primary key; and the latest rows of the second
     * largest tenant table) run {@code iterations} times each as the application runs them, under row-level
     * security with the tenant set, as a NOLOGIN role entered with {@code SET LOCAL ROLE} (as for
     * {@link #probe}: a temporary one, or {@link #PROBE_ROLE}), and as a baseline with an explicit
     * {@code WHERE tenant_id = ?} and row security off, as a role that sees every tenant (the data source's
     * user when it bypasses row-level security, else {@code rls_bypass_role}). Reports median and 95th
     * percentile of each, the overhead ratio, and whether each plan uses a composite index leading with
     * tenant_id. The data must be loaded first; the tenant with the most rows in the largest table is measured.
     * A measurement, not a check. Everything runs in one transaction on one connection that is rolled back, so
     * the role, its grants and every setting are gone afterwards and the session goes back as it came, also
     * when the measurement fails.
     *
     * @throws VerificationException {@code PRECONDITION_FAILED} when {@code iterations} is below 1, the tenant
     *     tables are not there or have no rows; {@code INSUFFICIENT_PRIVILEGE} when the user can neither create
     *     a role nor use {@link #PROBE_ROLE}, or is filtered and may not use {@code rls_bypass_role} (the message
     *     names the grant); {@code PROBE_SETUP_FAILED} when the grants cannot be made
     */
    public RlsOverheadResult measureRlsOverhead(int iterations) {
        return RlsOverhead.measure(dataSource, iterations);
    }
}
