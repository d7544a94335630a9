package com.alphapulse.db.verification.internal;

import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.verification.Finding;
import com.alphapulse.db.verification.Severity;
import com.alphapulse.db.verification.TenancyResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.exception.DataAccessException;

/**
 * The rules every multi-tenant schema keeps, read off the live catalog whatever the version: every tenant
 * table (one with a tenant_id column, row-level security or a policy, and the tables that have tenant_id at
 * the head of the migration set wherever they exist) has tenant_id NOT NULL, a foreign key to the tenant
 * registry, a valid index whose first key
 * is the plain column tenant_id and that has no predicate, row-level security enabled and forced, and for
 * each of SELECT, INSERT, UPDATE and DELETE at least one permissive policy, every one of which confines rows
 * to the current tenant ({@link TenantPredicate}); the key rules of {@link TenantKeys} (a foreign key between
 * tenant tables carries tenant_id on both sides, a unique key of a tenant table includes tenant_id), with what
 * the version the database is nearest to ships itself reported as known warnings; and the application's role
 * can neither bypass row-level security nor become the tables' owner.
 */
public final class TenancyRules {

    /** The column every tenant table carries: the convention the policies and the registry's foreign keys use. */
    static final String TENANT_COLUMN = "tenant_id";
    /** The session setting row-level security keys on. */
    static final String TENANT_SETTING = "app.current_tenant_id";
    /** The function that reads {@link #TENANT_SETTING} as uuid from version 011 on, failing when it is unset. */
    static final String TENANT_FUNCTION = "alphapulse_current_tenant";
    /**
     * The registry's name when the catalog cannot tell (no tenant_id has a foreign key yet): the name the
     * convention gives the table tenant_id references.
     */
    static final String TENANTS_TABLE = "tenants";
    private static final List<String> COMMANDS = List.of("SELECT", "INSERT", "UPDATE", "DELETE");

    private final List<Finding> findings = new ArrayList<>();
    private final String registry;

    private TenancyRules(String registry) {
        this.registry = registry;
    }

    /**
     * The tenant registry: the table the live tenant_id foreign keys reference, else the one they reference
     * at the head of the set, else {@link #TENANTS_TABLE}. The foreign keys of a damaged database must not
     * decide what the rule checks, hence the set's head before the conventional name.
     */
    static String registry(Catalog live, Catalog head) {
        return referenced(live).or(() -> referenced(head)).orElse(TENANTS_TABLE);
    }

    private static java.util.Optional<String> referenced(Catalog catalog) {
        Map<String, Long> targets = new java.util.TreeMap<>();
        for (Catalog.Row k : catalog.all(Catalog.CONSTRAINTS)) {
            String def = String.valueOf(k.attr("definition"));
            if ("FOREIGN KEY".equals(k.attr("constraint_type")) && def.startsWith("FOREIGN KEY (tenant_id)")
                    && !String.valueOf(k.attr("referenced_table")).isEmpty()) {
                targets.merge(k.attr("referenced_table"), 1L, Long::sum);
            }
        }
        return targets.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
    }

    /** Checks the rules; {@code applicationRole} may be null to skip the role rules. */
    public static TenancyResult check(DataSource ds, MigrationSet set, String applicationRole) {
        long start = System.nanoTime();
        Catalog head = ExpectedState.of(set.head()).catalog();
        try (Connection c = Jdbc.open(ds)) {
            Catalog live = CatalogReader.read(c, set);
            TenancyRules rules = new TenancyRules(registry(live, head));
            List<String> tenantTables = tenantTables(live, head);
            Map<String, List<TenantIndexes.Index>> indexes = TenantIndexes.read(c);
            for (String table : tenantTables) {
                rules.table(live, table, indexes.getOrDefault(table, List.of()));
            }
            if (applicationRole != null && !applicationRole.isBlank()) {
                rules.role(Jdbc.dsl(c), applicationRole, tenantTables);
            }
            // The key rules, with what the version the database is at ships itself (007 to 009's single-column
            // foreign keys and global unique keys) reported as known warnings rather than errors.
            List<Finding> keys = TenantKeys.check(live, tenantTables);
            rules.findings.addAll(Versions.nearest(live, set).map(v -> TenantKeys.knownIn(keys, v, head)).orElse(keys));
            List<Finding> sorted = new ArrayList<>(rules.findings);
            sorted.sort(Comparator.comparing(Finding::severity).thenComparing(Finding::object));
            return new TenancyResult(applicationRole, tenantTables, sorted, Duration.ofNanos(System.nanoTime() - start));
        } catch (SQLException | DataAccessException e) {
            throw Jdbc.queryFailed("cannot check the tenancy rules", e);
        }
    }

    /**
     * The tables the rules apply to. Not only those with a tenant_id column: a table that lost it (DROP COLUMN
     * ... CASCADE also drops its policies, foreign key and indexes) must not thereby escape the rules.
     */
    static List<String> tenantTables(Catalog live, Catalog head) {
        return live.tables().stream().filter(t -> live.hasColumn(t, TENANT_COLUMN)
                || head.hasColumn(t, TENANT_COLUMN)
                || live.row(Catalog.TABLES, t, t).flag("rls_enabled")
                || live.row(Catalog.TABLES, t, t).flag("rls_forced")
                || !live.ofTable(Catalog.POLICIES, t).isEmpty()).toList();
    }

    private void error(String type, String object, String expected, String actual, String message) {
        findings.add(new Finding(Severity.ERROR, type, object, expected, actual, message));
    }

    private void table(Catalog live, String table, List<TenantIndexes.Index> tenantIndexes) {
        String column = table + "." + TENANT_COLUMN;
        if (live.hasColumn(table, TENANT_COLUMN)) {
            tenantColumn(live, table, tenantIndexes);
        } else {
            error(Finding.COLUMN, column, "uuid NOT NULL", Finding.MISSING, column + " is missing: rows of " + table
                    + " are not tied to a tenant");
        }
        rowSecurity(live, table);
    }

    private void tenantColumn(Catalog live, String table, List<TenantIndexes.Index> tenantIndexes) {
        String column = table + "." + TENANT_COLUMN;
        if (!live.row(Catalog.COLUMNS, table, TENANT_COLUMN).flag("not_null")) {
            error(Finding.COLUMN, column, "NOT NULL", "NULL", column + " is nullable: a row can belong to no tenant");
        }
        boolean fk = live.ofTable(Catalog.CONSTRAINTS, table).stream().anyMatch(k ->
                "FOREIGN KEY".equals(k.attr("constraint_type")) && registry.equals(k.attr("referenced_table"))
                        && String.valueOf(k.attr("definition")).startsWith("FOREIGN KEY (tenant_id)"));
        if (!fk) {
            error(Finding.FOREIGN_KEY, column, "FOREIGN KEY (tenant_id) REFERENCES " + registry, Finding.MISSING,
                    table + " has no foreign key from tenant_id to " + registry + ": rows can name a tenant that does not exist");
        }
        if (tenantIndexes.isEmpty()) {
            error(Finding.INDEX, column, "an index leading with tenant_id", Finding.MISSING, table + " has no valid "
                    + "index whose first key is tenant_id over the whole table (expression keys and partial indexes "
                    + "do not count): every tenant-scoped query scans the table");
        }
    }

    private void rowSecurity(Catalog live, String table) {
        Catalog.Row t = live.row(Catalog.TABLES, table, table);
        if (!t.flag("rls_enabled")) {
            error(Finding.ROW_SECURITY, table, "enabled", "disabled", "row-level security is disabled on " + table
                    + ": every session sees every tenant's rows");
        }
        if (!t.flag("rls_forced")) {
            error(Finding.FORCE_ROW_SECURITY, table, "forced", "not forced", "row-level security is not forced on "
                    + table + ": the table owner bypasses every policy");
        }
        List<Catalog.Row> policies = live.ofTable(Catalog.POLICIES, table);
        for (String command : COMMANDS) {
            List<Catalog.Row> permissive = policies.stream()
                    .filter(p -> command.equals(p.attr("command")) || "ALL".equals(p.attr("command")))
                    .filter(p -> "PERMISSIVE".equals(p.attr("permissive")))
                    .toList();
            if (permissive.isEmpty()) {
                error(Finding.POLICY, table + "." + command, "a permissive " + command + " policy on tenant_id",
                        Finding.MISSING, table + " has no policy for " + command);
            }
            for (Catalog.Row p : permissive) {
                checkPolicy(table, command, p);
            }
        }
    }

    private void checkPolicy(String table, String command, Catalog.Row p) {
        String using = p.attr("using_expression");
        String check = p.attr("check_expression");
        List<String> missing = TenantPredicate.unconfinedClauses(command, using, check);
        if (!missing.isEmpty()) {
            String object = table + "." + p.name();
            error(Finding.POLICY, object, String.join(" and ", missing) + " comparing tenant_id with "
                    + "current_setting('" + TENANT_SETTING + "')::uuid",
                    "USING " + emptyAsNone(using) + " WITH CHECK " + emptyAsNone(check),
                    "policy " + p.name() + " lets " + command + " through without confining its "
                            + String.join(" and ", missing) + " to the current tenant (tenant_id = current_setting('"
                            + TENANT_SETTING + "', true)::uuid or tenant_id = (SELECT " + TENANT_FUNCTION
                            + "()), not under an OR): "
                            + "one tenant reaches another's rows");
        }
    }

    private static String emptyAsNone(String s) {
        return s == null || s.isEmpty() ? "(none)" : s;
    }

    private void role(DSLContext dsl, String role, List<String> tenantTables) {
        Record r = dsl.fetchOptional("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = ?", role).orElse(null);
        if (r == null) {
            error(Finding.ROLE, role, "present", Finding.MISSING, "the application role " + role + " does not exist");
            return;
        }
        if (Boolean.TRUE.equals(r.get("rolsuper", Boolean.class))) {
            error(Finding.ROLE, role, "NOSUPERUSER", "SUPERUSER", "the application role " + role
                    + " is a superuser: it bypasses row-level security");
        }
        if (Boolean.TRUE.equals(r.get("rolbypassrls", Boolean.class))) {
            error(Finding.ROLE, role, "NOBYPASSRLS", "BYPASSRLS", "the application role " + role
                    + " has BYPASSRLS: it sees every tenant's rows");
        }
        // A role the application can become (membership, with or without INHERIT) is as good as its own.
        Result<Record> powerful = dsl.fetch("SELECT r.rolname, r.rolsuper, r.rolbypassrls FROM pg_roles r "
                + "WHERE r.rolname <> ? AND (r.rolsuper OR r.rolbypassrls) AND pg_has_role(?::name, r.oid, 'MEMBER') "
                + "ORDER BY 1", role, role);
        for (Record p : powerful) {
            String name = p.get(0, String.class);
            error(Finding.ROLE, role, "no membership in a role that bypasses row-level security", "member of " + name,
                    "the application role " + role + " is a member of " + name + ", which bypasses row-level security");
        }
        if (tenantTables.isEmpty()) {
            return;
        }
        Result<Record> owners = dsl.fetch("SELECT c.relname, pg_get_userbyid(c.relowner) AS owner, "
                + "pg_has_role(?::name, c.relowner, 'MEMBER') AS member FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
                + "AND c.relname = ANY(?::text[]) ORDER BY 1", role, tenantTables.toArray(new String[0]));
        for (Record o : owners) {
            if (Boolean.TRUE.equals(o.get("member", Boolean.class))) {
                String table = o.get("relname", String.class);
                String owner = o.get("owner", String.class);
                String how = owner.equals(role) ? "owns " + table : "is a member of " + owner + ", which owns " + table;
                error(Finding.ROLE, role, "not the owner of " + table, "owner", "the application role " + role + " "
                        + how + ": an owner can switch row-level security off");
            }
        }
    }
}
