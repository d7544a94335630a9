package com.alphapulse.db.engine.internal;

import com.alphapulse.db.migrations.Version;
import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.MigrationException.Code;
import com.alphapulse.db.engine.PlanResult;
import com.alphapulse.db.engine.Risk;
import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.migrations.RowSecurity;
import com.alphapulse.db.migrations.SchemaVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Works out what a downgrade would do, on the live database, without changing anything: the undo steps
 * and their statements, the locks they take, the data each would destroy (counted), the preconditions
 * that must hold and what the state afterwards means for tenant isolation.
 */
final class Planner {

    /** One version to undo: its script's statements and the summary shown to the caller. */
    record Step(SchemaVersion version, List<Script.Statement> statements, PlanResult.Step summary) {}

    /** The plan, for running and for showing. */
    record Plan(Version current, Version target, List<Step> steps, PlanResult result) {}

    private Planner() {}

    /** The versions a downgrade from {@code current} to {@code target} undoes, newest first. */
    static List<SchemaVersion> versionsToUndo(EngineSettings s, Version current, Version target) {
        List<SchemaVersion> list = new ArrayList<>(Targets.between(s.migrations(), target, current));
        java.util.Collections.reverse(list);
        return list;
    }

    /** The undo script of each version, or {@code MISSING_UNDO_SCRIPT} naming every one that is missing. */
    static Map<SchemaVersion, String> undoScripts(EngineSettings s, List<SchemaVersion> versions) {
        Map<SchemaVersion, String> scripts = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (SchemaVersion v : versions) {
            Optional<String> sql = s.undoScripts().undoSql(v);
            if (sql.isEmpty() || sql.get().isBlank()) {
                missing.add(v.label() + " (" + v.undoResource() + ")");
            } else {
                scripts.put(v, sql.get());
            }
        }
        if (!missing.isEmpty()) {
            throw new MigrationException(Code.MISSING_UNDO_SCRIPT, "no undo script for version(s) " + String.join(", ", missing)
                    + "; nothing was changed");
        }
        return scripts;
    }

    /**
     * Plans the downgrade on {@code c}. Counting runs in one read-only transaction with row security off, so
     * that rows hidden by row-level security raise an error (reported as "cannot count") instead of being
     * silently left out; each count of a table that policies filter for the user runs as the bypass role
     * ({@link RowSecurity}), so that it sees every tenant's rows.
     */
    static Plan plan(Connection c, EngineSettings s, Version current, Version target, List<Version> failed, Instant start)
            throws SQLException {
        List<SchemaVersion> versions = versionsToUndo(s, current, target);
        Map<SchemaVersion, String> scripts = undoScripts(s, versions);
        List<Step> steps = new ArrayList<>();
        List<String> blockers = new ArrayList<>();
        for (Version f : failed) {
            blockers.add("version " + f.label() + " is recorded as failed in flyway_schema_history; "
                    + "run repair before downgrading");
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        Dependents dependents = new Dependents();
        try {
            Sql.execute(c, "SET TRANSACTION READ ONLY");
            Sql.rows(c, "SELECT set_config('row_security', 'off', true), set_config('statement_timeout', ?, true)",
                    Sql.millis(s.statementTimeout()));
            for (SchemaVersion v : versions) {
                List<Script.Statement> statements = Script.parse(scripts.get(v));
                // The archive takes every row of these whole, before any statement runs: a column of theirs dropped or
                // converted first is in those rows.
                Set<String> droppedWhole = new LinkedHashSet<>();
                for (Script.Statement st : statements) {
                    for (Script.Effect e : st.effects()) {
                        if (e.kind() == Script.Kind.DROP_TABLE) {
                            droppedWhole.add(e.table());
                        }
                    }
                }
                List<PlanResult.Statement> shown = new ArrayList<>();
                Risk stepRisk = Risk.NONE;
                for (Script.Statement st : statements) {
                    if (st.engineSetting()) {
                        continue;
                    }
                    PlanResult.Statement ps = statement(c, st, droppedWhole);
                    shown.add(ps);
                    stepRisk = stepRisk.max(ps.risk());
                    blockers.addAll(preconditions(c, v, st));
                    blockers.addAll(dependents.blockers(c, v, st));
                }
                steps.add(new Step(v, statements, new PlanResult.Step(v.version(), v.description(), stepRisk, shown)));
            }
        } finally {
            Connections.rollbackQuietly(c);
            c.setAutoCommit(auto);
        }
        Risk risk = steps.stream().map(st -> st.summary().risk()).reduce(Risk.NONE, Risk::max);
        PlanResult result = new PlanResult(current, target,
                steps.stream().map(Step::summary).toList(), risk, securityWarnings(s.migrations(), current, target), blockers,
                Duration.between(start, Instant.now()));
        return new Plan(current, target, steps, result);
    }

    private static PlanResult.Statement statement(Connection c, Script.Statement st, Set<String> droppedWhole) throws SQLException {
        Set<PlanResult.Lock> locks = new LinkedHashSet<>();
        Risk risk = Risk.NONE;
        List<String> loss = new ArrayList<>();
        boolean archivable = true;
        for (Script.Effect e : st.effects()) {
            switch (e.kind()) {
                case DROP_TABLE -> {
                    if (Catalog.tableExists(c, e.table())) {
                        locks.add(new PlanResult.Lock(e.table(), e.lockMode()));
                        for (String ref : Catalog.referencedTables(c, e.table(), null)) {
                            locks.add(new PlanResult.Lock(ref, Script.ACCESS_EXCLUSIVE));
                        }
                        Long rows = count(c, e.table(), "SELECT count(*) FROM " + Catalog.regclass(e.table()));
                        if (rows == null || rows > 0) {
                            risk = risk.max(Risk.HIGH);
                            loss.add(rows == null ? uncountable(c, e.table()) : e.table() + ": " + number(rows) + " rows");
                            archivable &= Archive.covers(c, e);
                        }
                    }
                }
                case DROP_COLUMN -> {
                    if (Catalog.tableExists(c, e.table())) {
                        locks.add(new PlanResult.Lock(e.table(), e.lockMode()));
                    }
                    if (Catalog.columnExists(c, e.table(), e.name())) {
                        for (String ref : Catalog.referencedTables(c, e.table(), e.name())) {
                            locks.add(new PlanResult.Lock(ref, Script.ACCESS_EXCLUSIVE));
                        }
                        Object[] r = countColumn(c, e.table(), e.name());
                        if (r == null || Sql.bigint(r[0]) > 0) {
                            risk = risk.max(Risk.MEDIUM);
                            String why = droppedWhole.contains(e.table()) ? null : Archive.whyNot(c, e);
                            loss.add((r == null ? uncountable(c, e.table() + "." + e.name())
                                    : columnLoss(e, Sql.bigint(r[0]), Sql.bigint(r[1])))
                                    + (why == null ? "" : " (not archivable: " + why + ")"));
                            archivable &= why == null;
                        }
                    }
                }
                case ALTER_COLUMN_TYPE -> {
                    if (Catalog.tableExists(c, e.table())) {
                        locks.add(new PlanResult.Lock(e.table(), e.lockMode()));
                    }
                    if (Catalog.columnExists(c, e.table(), e.name())) {
                        Object[] r = countColumn(c, e.table(), e.name());
                        if (r == null || Sql.bigint(r[0]) > 0) {
                            risk = risk.max(Risk.MEDIUM);
                            boolean whole = droppedWhole.contains(e.table());
                            loss.add((r == null ? uncountable(c, e.table() + "." + e.name())
                                    : e.table() + "." + e.name() + ": " + number(Sql.bigint(r[0])) + " values converted")
                                    + (whole ? "" : " (not archivable: " + Archive.whyNot(c, e) + ")"));
                            archivable &= whole;
                        }
                    }
                }
                case DELETE_ROWS, TRUNCATE, UPDATE_ROWS -> {
                    if (Catalog.tableExists(c, e.table())) {
                        locks.add(new PlanResult.Lock(e.table(), e.lockMode()));
                        Long rows = count(c, e.table(), "SELECT count(*) FROM " + Catalog.regclass(e.table()));
                        if (rows == null || rows > 0) {
                            boolean update = e.kind() == Script.Kind.UPDATE_ROWS;
                            risk = risk.max(update ? Risk.MEDIUM : Risk.HIGH);
                            // Archived only when the same undo drops the table: its rows are archived whole first. A DELETE
                            // or TRUNCATE also reaches the rows ON DELETE CASCADE / TRUNCATE CASCADE takes with it, in tables
                            // the undo may not drop: then it is not covered.
                            List<String> cascading = update ? new ArrayList<>() : cascadingChildren(c, e.table());
                            cascading.removeAll(droppedWhole);
                            boolean whole = droppedWhole.contains(e.table()) && cascading.isEmpty();
                            String what = e.kind() == Script.Kind.TRUNCATE ? " rows truncated" : update ? " rows updated in place"
                                    : " rows deleted";
                            loss.add((rows == null ? uncountable(c, e.table())
                                    : e.table() + ": " + (e.kind() == Script.Kind.TRUNCATE ? "" : "up to ") + number(rows) + what)
                                    + (whole ? "" : " (not archivable: " + (update ? "UPDATE" : e.kind() == Script.Kind.TRUNCATE
                                            ? "TRUNCATE" : "DELETE") + " changes rows the archive does not keep"
                                            + (cascading.isEmpty() ? "" : ", cascading to " + String.join(", ", cascading)) + ")"));
                            archivable &= whole;
                        }
                    }
                }
                case UNKNOWN -> {
                    // Conservative: no Risk for "unknown", so the middle one, never archivable, refused unless accepted.
                    risk = risk.max(Risk.MEDIUM);
                    loss.add("cannot tell what this statement drops (" + e.name() + "; not archivable)");
                    archivable = false;
                }
                case DROP_INDEX -> {
                    String table = Catalog.indexTable(c, e.name());
                    if (table != null) {
                        locks.add(new PlanResult.Lock(table, e.lockMode()));
                    }
                }
                case DROP_CONSTRAINT -> {
                    if (Catalog.tableExists(c, e.table())) {
                        locks.add(new PlanResult.Lock(e.table(), e.lockMode()));
                        // Dropping a foreign key drops the RI triggers on the referenced table: ACCESS EXCLUSIVE there too.
                        String ref = Catalog.referencedTable(c, e.table(), e.name());
                        if (ref != null) {
                            locks.add(new PlanResult.Lock(ref, Script.ACCESS_EXCLUSIVE));
                        }
                    }
                }
                case ADD_FOREIGN_KEY -> {
                    locks.add(new PlanResult.Lock(e.table(), e.lockMode()));
                    locks.add(new PlanResult.Lock(e.columns().get(0), Script.SHARE_ROW_EXCLUSIVE));
                }
                case DROP_ROLE, CREATE_ROLE -> {
                    // roles take no table lock; they are cluster-wide catalog rows
                }
                default -> {
                    if (e.table() != null && e.lockMode() != null && Catalog.tableExists(c, e.table())) {
                        locks.add(new PlanResult.Lock(e.table(), e.lockMode()));
                    }
                }
            }
        }
        return new PlanResult.Statement(st.display(), List.copyOf(locks), risk, String.join("; ", loss),
                risk != Risk.NONE && archivable);
    }

    /** Tables whose foreign keys to {@code table} delete with it (ON DELETE CASCADE), other than itself. */
    private static List<String> cascadingChildren(Connection c, String table) throws SQLException {
        return Sql.strings(c, "SELECT DISTINCT r.relname::text FROM pg_constraint k JOIN pg_class r ON r.oid = k.conrelid WHERE k.contype = 'f' "
                + "AND k.confdeltype = 'c' AND k.confrelid = to_regclass(?) AND k.conrelid <> k.confrelid ORDER BY 1",
                Catalog.regclass(table));
    }

    /** The unique constraints a statement re-creates, checked against the live data. */
    private static List<String> preconditions(Connection c, SchemaVersion v, Script.Statement st) throws SQLException {
        List<String> out = new ArrayList<>();
        for (Script.Effect e : st.effects()) {
            if (e.kind() != Script.Kind.ADD_UNIQUE || !Catalog.tableExists(c, e.table())) {
                continue;
            }
            if (e.name() != null && Catalog.constraintExists(c, e.table(), e.name())) {
                continue;
            }
            String cols = String.join(", ", e.columns().stream().map(Sql::ident).toList());
            String table = Catalog.regclass(e.table());
            Object[] dup = fetch(c, e.table(), "SELECT count(*), coalesce(sum(n), 0)::bigint FROM (SELECT count(*) AS n FROM "
                    + table + " GROUP BY " + cols + " HAVING count(*) > 1) d");
            if (dup == null) {
                out.add("undo of " + v.label() + " re-creates " + constraint(e) + ", and the duplicates in " + e.table()
                        + " cannot be counted: " + "row-level security hides rows from this user");
                continue;
            }
            long values = Sql.bigint(dup[0]);
            if (values == 0) {
                continue;
            }
            String across = "";
            if (Catalog.columnExists(c, e.table(), Archive.TENANT_ID)) {
                Long tenants = count(c, e.table(), "SELECT count(DISTINCT tenant_id) FROM " + table + " WHERE (" + cols
                        + ") IN (SELECT " + cols + " FROM " + table + " GROUP BY " + cols + " HAVING count(*) > 1)");
                across = tenants == null ? "" : " across " + number(tenants) + " tenants";
            }
            out.add("undo of " + v.label() + " re-creates " + constraint(e) + ", but " + number(values) + " "
                    + String.join(", ", e.columns()) + " value(s) are shared by " + number(Sql.bigint(dup[1]))
                    + " rows" + across + "; merge or rename them before rolling back " + v.label());
        }
        return out;
    }

    private static String constraint(Script.Effect e) {
        return (e.name() == null ? "a unique constraint" : e.name()) + " UNIQUE (" + String.join(", ", e.columns())
                + ") on " + e.table();
    }

    /**
     * SECURITY warnings for the state at {@code target} after a downgrade from {@code current}, read from the
     * expected catalogs: tables that carry tenant_id without row-level security; foreign keys between tenant
     * tables that no longer carry the tenant (they did at {@code current}).
     */
    static List<String> securityWarnings(MigrationSet set, Version current, Version target) {
        if (target.isBase()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(rowSecurityWarnings(set, target));
        Set<String> unsafe = tenantBlindForeignKeys(set, target);
        if (!unsafe.isEmpty() && !current.isBase() && tenantBlindForeignKeys(set, current).isEmpty()) {
            out.add("SECURITY: at " + target.label() + " the foreign key(s) " + String.join(", ", unsafe) + " between tenant "
                    + "tables do not carry tenant_id, so cross-tenant references are possible again (referential checks ignore "
                    + "row-level security: a row may reference another tenant's parent, and a unique key shared across tenants "
                    + "tells one tenant that another uses a value); upgrade again as soon as possible");
        }
        return out;
    }

    /**
     * The foreign keys of {@code version} from a table with tenant_id to another table with tenant_id that do not
     * include tenant_id: RLS hides the parent row, but the referential check still finds it in any tenant.
     */
    private static Set<String> tenantBlindForeignKeys(MigrationSet set, Version version) {
        StepCatalog.Expected at = StepCatalog.expectedOf(set, version);
        Set<String> withTenant = at.tablesWith(Archive.TENANT_ID);
        Set<String> out = new TreeSet<>();
        for (String table : withTenant) {
            for (StepCatalog.ForeignKey fk : at.foreignKeys().getOrDefault(table, List.of())) {
                if (withTenant.contains(fk.referenced()) && !table.equals(fk.referenced())
                        && !fk.columns().contains(Archive.TENANT_ID)) {
                    out.add(table + "." + fk.name());
                }
            }
        }
        return out;
    }

    private static List<String> rowSecurityWarnings(MigrationSet set, Version target) {
        StepCatalog.Expected at = StepCatalog.expectedOf(set, target);
        Set<String> unprotected = new TreeSet<>();
        for (String table : at.tablesWith(Archive.TENANT_ID)) {
            if (!at.rowSecurityEnabled(table)) {
                unprotected.add(table);
            }
        }
        if (unprotected.isEmpty()) {
            return List.of();
        }
        return List.of("SECURITY: at " + target.label() + " the tenant table(s) " + String.join(", ", unprotected)
                + " carry tenant_id but have no row-level security, so every query sees every tenant's rows unless it"
                + " filters by tenant_id itself; downgrade further (below " + lowestTenantVersion(set) + ") or make every"
                + " query filter by tenant_id");
    }

    private static String lowestTenantVersion(MigrationSet set) {
        for (SchemaVersion v : set.versions()) {
            if (!StepCatalog.expectedOf(set, v.version()).tablesWith(Archive.TENANT_ID).isEmpty()) {
                return v.label();
            }
        }
        return "the first tenant version";
    }

    private static String columnLoss(Script.Effect e, long values, long distinct) {
        String what = e.table() + "." + e.name() + ": " + number(values) + " values";
        return Archive.TENANT_ID.equals(e.name()) ? what + " across " + number(distinct) + " tenants"
                : what + " (" + number(distinct) + " distinct)";
    }

    private static String uncountable(Connection c, String what) throws SQLException {
        String user = String.valueOf(Sql.value(c, "SELECT current_user"));
        return what + ": cannot be counted (row-level security hides rows from " + user + "); assumed to hold data";
    }

    private static Object[] countColumn(Connection c, String table, String column) throws SQLException {
        return fetch(c, table, "SELECT count(" + Sql.ident(column) + "), count(DISTINCT " + Sql.ident(column) + ") FROM "
                + Catalog.regclass(table));
    }

    private static Long count(Connection c, String table, String sql) throws SQLException {
        Object[] r = fetch(c, table, sql);
        return r == null ? null : Sql.bigint(r[0]);
    }

    /**
     * One row of a read of {@code table}, or null when the query failed (e.g. refused by row-level security); the
     * transaction survives. The read sees every tenant's rows: a migration role that policies filter switches to
     * the bypass role for it, since a count of one tenant's rows (or none) would pass a check that fails, or show
     * no data where an undo destroys some. A role that cannot switch is refused (42501) before the read.
     */
    private static Object[] fetch(Connection c, String table, String sql) throws SQLException {
        try (RowSecurity.Switch ignored = RowSecurity.seeEveryTenant(c, List.of(table))) {
            Savepoint sp = c.setSavepoint();
            try {
                Object[] r = Sql.row(c, sql);
                c.releaseSavepoint(sp);
                return r;
            } catch (SQLException e) {
                if (!"42501".equals(Errors.sqlState(e))) {
                    throw e;
                }
                c.rollback(sp);
                return null;
            }
        }
    }

    static String number(long n) {
        return String.format(Locale.US, "%,d", n);
    }
}
