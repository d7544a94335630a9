package com.alphapulse.db.engine.internal;

import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.MigrationException.Code;
import com.alphapulse.db.engine.ProvisionResult;
import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.migrations.RowSecurity;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * The grants of an application login role, the role services connect as: row-level security must filter it, so it
 * is refused when it is superuser, BYPASSRLS, owns an object of schema public or of the engine's schema, or is a
 * member (directly or not) of a role that is: the tables' owners, the database's, the engine schema's,
 * {@value RowSecurity#BYPASS_ROLE}, the user running this, or the predefined roles that read or write every table
 * (the archive in the engine's schema has no row-level security).
 *
 * <p>It gets the minimum a service needs: CONNECT on the database and USAGE on schema public (held directly, so a
 * later {@code REVOKE … FROM PUBLIC} does not cut it off); SELECT, INSERT, UPDATE, DELETE on every table of the
 * migration set's head that exists (not Flyway's history, nothing of the engine's schema), except DELETE on the
 * tenants table, which no policy filters and whose ON DELETE CASCADE keys would remove every row of a tenant past
 * row-level security; USAGE, SELECT on those tables' sequences; EXECUTE on the functions of schema public their
 * policies and defaults call, where the role lacks it; and default privileges of the same for the tables and
 * sequences the tables' owners create later, so a new version needs no new provision. TRUNCATE (which row-level
 * security does not filter), REFERENCES and TRIGGER are never granted, and revoked where the role holds them on
 * those tables, like any privilege on Flyway's history.
 *
 * <p>Runnable by a superuser or by a member of every owner concerned (the migration role itself); otherwise refused
 * with {@code INSUFFICIENT_PRIVILEGE}, naming them. Everything is checked before anything is done, done in one
 * transaction, journaled as PROVISION; a second run changes nothing. No password is set.
 */
public final class AppRoleProvisioner {

    private static final String PUBLIC = "public";
    private static final String TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE";
    private static final String SEQUENCE_PRIVILEGES = "USAGE, SELECT";
    /** Neither is filtered by row-level security the way a service's statements are; see the class comment. */
    private static final List<String> NEVER = List.of("TRUNCATE", "REFERENCES", "TRIGGER");
    /** The table every tenant table references with ON DELETE CASCADE, and which no policy filters. */
    private static final String TENANTS = "tenants";
    /** Predefined roles (PostgreSQL 14+) that read or write every table, the engine's archive included. */
    private static final List<String> ALL_DATA_ROLES = List.of("pg_read_all_data", "pg_write_all_data");

    private AppRoleProvisioner() {}

    /** One change, and the role whose membership (or a superuser) it takes to make it. */
    private record Step(String sql, String owner) {}

    public static ProvisionResult run(EngineSettings s, String appRole) {
        Instant start = Instant.now();
        if (appRole == null || appRole.isBlank()) {
            throw new MigrationException(Code.INVALID_TARGET, "provision needs the application role's name");
        }
        Connection c = Connections.open(s);
        try {
            c.setAutoCommit(false);
            // Serialises with provision --migrator and a second run: the checks below must hold until the commit.
            Sql.execute(c, "SELECT pg_advisory_xact_lock(hashtext('alphapulse provision'))");
            Record me = Sql.ctx(c).fetchOne("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user");
            String user = me.get(0, String.class);
            boolean superuser = Boolean.TRUE.equals(me.get(1, Boolean.class));
            Record role = Sql.ctx(c).fetchOne("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = ?", appRole);
            if (role == null) {
                throw refused(Code.PRECONDITION_FAILED, "role " + appRole + " does not exist; create it first (CREATE ROLE "
                        + Sql.ident(appRole) + " LOGIN, with the password set by hand), then run provision again");
            }
            if (Boolean.TRUE.equals(role.get(0, Boolean.class)) || Boolean.TRUE.equals(role.get(1, Boolean.class))) {
                throw refused(Code.PRECONDITION_FAILED, appRole + " is " + (Boolean.TRUE.equals(role.get(0, Boolean.class))
                        ? "a superuser" : "BYPASSRLS") + ": row-level security would not filter it; an application role "
                        + "must be NOSUPERUSER NOBYPASSRLS");
            }
            if (!HistoryTable.exists(c)) {
                // Default privileges would also grant the application the history the first upgrade creates in public.
                throw refused(Code.NO_HISTORY, "the database has no " + HistoryTable.QUALIFIED + " yet; run upgrade "
                        + "first, then provision the application role");
            }
            String db = (String) Sql.ctx(c).fetchValue("SELECT current_database()");
            String dbOwner = (String) Sql.ctx(c).fetchValue("SELECT pg_get_userbyid(datdba) FROM pg_database "
                    + "WHERE datname = current_database()");
            String publicOwner = (String) Sql.ctx(c).fetchValue("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = ?",
                    PUBLIC);
            String engineOwner = (String) Sql.ctx(c).fetchValue("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = ?",
                    EngineSchema.SCHEMA);
            String historyOwner = (String) Sql.ctx(c).fetchValue("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = "
                    + "to_regclass(?)", HistoryTable.QUALIFIED);

            List<String> headTables = headTables(s.migrations());
            Map<String, String> live = new LinkedHashMap<>();
            for (Record r : Sql.ctx(c).fetch("SELECT c.relname, pg_get_userbyid(c.relowner) FROM pg_class c JOIN pg_namespace n "
                    + "ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND c.relname = ANY "
                    + "(string_to_array(?, ',')) ORDER BY c.relname", PUBLIC, String.join(",", headTables))) {
                live.put(r.get(0, String.class), r.get(1, String.class));
            }
            // The roles whose future tables the default privileges cover: whoever owns the tables, and the migration
            // role provision handed the engine's schema to, which runs the upgrades that create them.
            Set<String> creators = new TreeSet<>(live.values());
            if (engineOwner != null) {
                creators.add(engineOwner);
            }
            if (creators.isEmpty()) {
                creators.add(dbOwner);
            }

            refuseOwnership(c, appRole);
            Map<String, String> forbidden = new LinkedHashMap<>();
            creators.forEach(o -> forbidden.put(o, "it owns the tables or runs the migrations"));
            forbidden.putIfAbsent(dbOwner, "it owns the database");
            forbidden.putIfAbsent(historyOwner, "it owns " + HistoryTable.QUALIFIED);
            forbidden.putIfAbsent(RowSecurity.BYPASS_ROLE, "it bypasses row-level security");
            if (!superuser) {
                forbidden.putIfAbsent(user, "it runs this provision (the migration role)");
            }
            ALL_DATA_ROLES.forEach(r -> forbidden.putIfAbsent(r, "it reads or writes every table, the engine's archive included"));
            refuseMemberships(c, appRole, forbidden);

            List<ProvisionResult.Action> actions = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            List<Step> steps = new ArrayList<>();
            String app = Sql.ident(appRole);

            Set<String> connect = direct(c, "SELECT a.privilege_type FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = "
                    + "current_database() AND a.grantee = (SELECT oid FROM pg_roles WHERE rolname = ?)", appRole);
            plan(actions, steps, "CONNECT on database " + db, connect.contains("CONNECT"),
                    "GRANT CONNECT ON DATABASE " + Sql.ident(db) + " TO " + app, dbOwner);
            Set<String> usage = direct(c, "SELECT a.privilege_type FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.nspname = '"
                    + PUBLIC + "' AND a.grantee = (SELECT oid FROM pg_roles WHERE rolname = ?)", appRole);
            plan(actions, steps, "USAGE on schema public", usage.contains("USAGE"), "GRANT USAGE ON SCHEMA public TO " + app, publicOwner);

            for (Map.Entry<String, String> t : live.entrySet()) {
                String table = PUBLIC + "." + Sql.ident(t.getKey());
                Set<String> held = tablePrivileges(c, table, appRole);
                List<String> wanted = new ArrayList<>(List.of("SELECT", "INSERT", "UPDATE", "DELETE"));
                List<String> excess = new ArrayList<>(NEVER);
                String why = "";
                if (t.getKey().equals(TENANTS)) {
                    wanted.remove("DELETE");
                    excess.add("DELETE");
                    why = " (no DELETE: no policy filters it, and its ON DELETE CASCADE keys would remove a tenant's rows "
                            + "past row-level security)";
                }
                List<String> missing = wanted.stream().filter(p -> !held.contains(p)).toList();
                plan(actions, steps, String.join(", ", wanted) + " on " + PUBLIC + "." + t.getKey() + why, missing.isEmpty(),
                        "GRANT " + String.join(", ", missing) + " ON " + table + " TO " + app, t.getValue());
                List<String> extra = excess.stream().filter(held::contains).toList();
                if (!extra.isEmpty()) {
                    plan(actions, steps, "no " + String.join(", ", extra) + " on " + PUBLIC + "." + t.getKey(), false,
                            "REVOKE " + String.join(", ", extra) + " ON " + table + " FROM " + app, t.getValue());
                }
            }
            if (!tablePrivileges(c, HistoryTable.QUALIFIED, appRole).isEmpty()) {
                plan(actions, steps, "no privilege on " + HistoryTable.QUALIFIED, false,
                        "REVOKE ALL ON " + HistoryTable.QUALIFIED + " FROM " + app, historyOwner);
            }
            for (Record r : Sql.ctx(c).fetch("SELECT DISTINCT quote_ident(sn.nspname) || '.' || quote_ident(sq.relname), "
                    + "pg_get_userbyid(sq.relowner), sq.oid FROM pg_depend d JOIN pg_class sq ON sq.oid = d.objid "
                    + "JOIN pg_namespace sn ON sn.oid = sq.relnamespace JOIN pg_class t ON t.oid = d.refobjid "
                    + "JOIN pg_namespace tn ON tn.oid = t.relnamespace WHERE d.classid = 'pg_class'::regclass "
                    + "AND d.refclassid = 'pg_class'::regclass AND sq.relkind = 'S' AND d.deptype IN ('a', 'i') "
                    + "AND tn.nspname = ? AND t.relname = ANY (string_to_array(?, ',')) ORDER BY 1", PUBLIC,
                    String.join(",", live.keySet()))) {
                String sequence = r.get(0, String.class);
                Set<String> held = tablePrivileges(c, sequence, appRole);
                List<String> missing = List.of("USAGE", "SELECT").stream().filter(p -> !held.contains(p)).toList();
                plan(actions, steps, SEQUENCE_PRIVILEGES + " on sequence " + sequence, missing.isEmpty(),
                        "GRANT " + String.join(", ", missing) + " ON SEQUENCE " + sequence + " TO " + app, r.get(1, String.class));
            }
            for (Record r : Sql.ctx(c).fetch("SELECT DISTINCT quote_ident(pn.nspname) || '.' || quote_ident(p.proname) || '(' "
                    + "|| pg_get_function_identity_arguments(p.oid) || ')', pg_get_userbyid(p.proowner), "
                    + "has_function_privilege(?::name, p.oid, 'EXECUTE') FROM pg_depend d JOIN pg_proc p ON p.oid = d.refobjid "
                    + "JOIN pg_namespace pn ON pn.oid = p.pronamespace LEFT JOIN pg_policy pol ON d.classid = 'pg_policy'::regclass "
                    + "AND pol.oid = d.objid LEFT JOIN pg_attrdef ad ON d.classid = 'pg_attrdef'::regclass AND ad.oid = d.objid "
                    + "JOIN pg_class t ON t.oid = coalesce(pol.polrelid, ad.adrelid) JOIN pg_namespace tn ON tn.oid = t.relnamespace "
                    + "WHERE d.refclassid = 'pg_proc'::regclass AND pn.nspname = ? AND tn.nspname = ? "
                    + "AND t.relname = ANY (string_to_array(?, ',')) ORDER BY 1", appRole, PUBLIC, PUBLIC,
                    String.join(",", live.keySet()))) {
                String function = r.get(0, String.class);
                boolean has = Boolean.TRUE.equals(r.get(2, Boolean.class));
                plan(actions, steps, "EXECUTE on " + function + (has ? " (through PUBLIC or a grant)" : ""), has,
                        "GRANT EXECUTE ON FUNCTION " + function + " TO " + app, r.get(1, String.class));
            }
            for (String creator : creators) {
                defaults(c, actions, steps, creator, appRole, 'r', "TABLES", List.of("SELECT", "INSERT", "UPDATE", "DELETE"));
                defaults(c, actions, steps, creator, appRole, 'S', "SEQUENCES", List.of("USAGE", "SELECT"));
            }
            List<String> absent = headTables.stream().filter(t -> !live.containsKey(t)).toList();
            if (!absent.isEmpty()) {
                warnings.add(absent.size() + " table(s) of head " + s.migrations().head().label() + " do not exist yet ("
                        + String.join(", ", absent) + "): the default privileges grant them when an upgrade creates them");
            }

            if (!superuser) {
                Set<String> lacking = new TreeSet<>();
                for (Step step : steps) {
                    if (!Boolean.TRUE.equals(Sql.ctx(c).fetchValue("SELECT pg_has_role(current_user, ?::name, 'USAGE')", step.owner()))) {
                        lacking.add(step.owner());
                    }
                }
                if (!lacking.isEmpty()) {
                    throw refused(Code.INSUFFICIENT_PRIVILEGE, user + " may not grant what " + appRole + " needs on what "
                            + String.join(", ", lacking) + " own(s): run provision --app-role as a superuser or as that owner "
                            + "(the migration role), or GRANT " + String.join(", ", lacking.stream().map(Sql::ident).toList())
                            + " TO " + Sql.ident(user));
                }
            }
            for (Step step : steps) {
                Sql.execute(c, step.sql());
            }
            c.commit();
            String journalAs = null;
            if (superuser) {
                // As the migration role, so that a journal this run creates is the migration role's, not a superuser's.
                for (String candidate : engineOwner != null ? List.of(engineOwner) : List.copyOf(creators)) {
                    if (!isSuperuser(c, candidate)) {
                        journalAs = candidate;
                        break;
                    }
                }
            }
            try {
                Provisioner.journal(c, s, journalAs, "provisioned application role " + appRole, HistoryTable.state(c).current(),
                        actions, start);
            } catch (SQLException | RuntimeException e) {
                throw new MigrationException(Code.FAILED, Errors.scrub(s, "provision granted what is listed as done ("
                        + String.join("; ", actions.stream().filter(ProvisionResult.Action::done).map(ProvisionResult.Action::what)
                                .toList()) + ") but could not journal it: " + Errors.describe(e)), e);
            }
            return new ProvisionResult(appRole, ProvisionResult.Kind.APPLICATION, actions, warnings,
                    Duration.between(start, Instant.now()));
        } catch (SQLException | RuntimeException e) {
            Connections.rollbackQuietly(c);
            throw Errors.translate(s, "provision failed, nothing was changed", e);
        } finally {
            Connections.closeQuietly(c);
        }
    }

    private static MigrationException refused(Code code, String message) {
        return new MigrationException(code, message + "; nothing was changed");
    }

    /** The tables of the set's head, from its expected catalog (which leaves Flyway's history out). */
    private static List<String> headTables(MigrationSet set) {
        List<String> tables = new ArrayList<>();
        for (Record r : DSL.using(SQLDialect.POSTGRES).fetchFromJSON(set.head().expectedCatalogJson("tables"))) {
            tables.add(r.get("table_name", String.class));
        }
        return tables;
    }

    /** An owner is never filtered by FORCE'd row-level security the way it must be, and may alter or drop what it owns. */
    private static void refuseOwnership(Connection c, String appRole) throws SQLException {
        List<String> owned = Sql.ctx(c).fetch("SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n "
                + "ON n.oid = c.relnamespace WHERE n.nspname IN (?, ?) AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = ?) "
                + "UNION ALL SELECT n.nspname || '.' || p.proname || '()' FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                + "WHERE n.nspname IN (?, ?) AND p.proowner = (SELECT oid FROM pg_roles WHERE rolname = ?) "
                + "UNION ALL SELECT 'schema ' || nspname FROM pg_namespace WHERE nspname IN (?, ?) AND nspowner = "
                + "(SELECT oid FROM pg_roles WHERE rolname = ?) ORDER BY 1", PUBLIC, EngineSchema.SCHEMA, appRole,
                PUBLIC, EngineSchema.SCHEMA, appRole, PUBLIC, EngineSchema.SCHEMA, appRole).getValues(0, String.class);
        if (!owned.isEmpty()) {
            throw refused(Code.PRECONDITION_FAILED, appRole + " owns " + owned.size() + " object(s) (" + String.join(", ",
                    owned.subList(0, Math.min(5, owned.size()))) + (owned.size() > 5 ? ", …" : "") + "): row-level security "
                    + "does not bind an owner the way it binds a service; the application role must own nothing");
        }
    }

    /** Membership, direct or through other roles, passes on what makes row-level security moot. */
    private static void refuseMemberships(Connection c, String appRole, Map<String, String> forbidden) throws SQLException {
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, String> f : forbidden.entrySet()) {
            if (f.getKey() != null && Boolean.TRUE.equals(Sql.ctx(c).fetchValue("SELECT to_regrole(?) IS NOT NULL AND "
                    + "pg_has_role(?::name, to_regrole(?), 'MEMBER')", Sql.ident(f.getKey()), appRole, Sql.ident(f.getKey())))) {
                found.add(f.getKey() + " (" + f.getValue() + ")");
            }
        }
        if (!found.isEmpty()) {
            throw refused(Code.PRECONDITION_FAILED, appRole + " is a member of " + String.join(", ", found) + ": it would "
                    + "defeat row-level security; an application role must be a member of none of them (REVOKE … FROM "
                    + Sql.ident(appRole) + ")");
        }
    }

    /** The privileges {@code role} holds on {@code relation} itself, not through PUBLIC or other roles. */
    private static Set<String> tablePrivileges(Connection c, String relation, String role) throws SQLException {
        return direct(c, "SELECT a.privilege_type FROM pg_class t, aclexplode(t.relacl) a WHERE t.oid = to_regclass(?) "
                + "AND a.grantee = (SELECT oid FROM pg_roles WHERE rolname = ?)", relation, role);
    }

    private static Set<String> direct(Connection c, String sql, Object... binds) throws SQLException {
        return new LinkedHashSet<>(Sql.ctx(c).fetch(sql, binds).getValues(0, String.class));
    }

    private static void defaults(Connection c, List<ProvisionResult.Action> actions, List<Step> steps, String creator,
            String appRole, char type, String objects, List<String> privileges) throws SQLException {
        Set<String> held = direct(c, "SELECT a.privilege_type FROM pg_default_acl d JOIN pg_namespace n ON n.oid = "
                + "d.defaclnamespace, aclexplode(d.defaclacl) a WHERE d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = ?) "
                + "AND n.nspname = '" + PUBLIC + "' AND d.defaclobjtype = '" + type + "' AND a.grantee = "
                + "(SELECT oid FROM pg_roles WHERE rolname = ?)", creator, appRole);
        List<String> missing = privileges.stream().filter(p -> !held.contains(p)).toList();
        plan(actions, steps, String.join(", ", privileges) + " on the " + objects.toLowerCase(java.util.Locale.ROOT) + " "
                + creator + " creates in public later (default privileges)", missing.isEmpty(), "ALTER DEFAULT PRIVILEGES "
                + "FOR ROLE " + Sql.ident(creator) + " IN SCHEMA public GRANT " + String.join(", ", missing) + " ON " + objects
                + " TO " + Sql.ident(appRole), creator);
    }

    private static void plan(List<ProvisionResult.Action> actions, List<Step> steps, String what, boolean already,
            String sql, String owner) {
        if (already) {
            actions.add(new ProvisionResult.Action(what, false, ""));
            return;
        }
        actions.add(new ProvisionResult.Action(what, true, sql));
        steps.add(new Step(sql, owner));
    }

    private static boolean isSuperuser(Connection c, String role) throws SQLException {
        return Boolean.TRUE.equals(Sql.ctx(c).fetchValue("SELECT rolsuper FROM pg_roles WHERE rolname = ?", role));
    }
}
