package com.alphapulse.db.engine.internal;

import com.alphapulse.db.engine.Direction;
import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.MigrationException.Code;
import com.alphapulse.db.engine.Outcome;
import com.alphapulse.db.engine.ProvisionResult;
import com.alphapulse.db.migrations.RowSecurity;
import com.alphapulse.db.verification.Verifier;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jooq.Record;

/**
 * What a superuser does once so that a migration role which owns the database but is neither superuser nor
 * BYPASSRLS can run every command: the cluster-wide roles only a superuser may create ({@value RowSecurity#BYPASS_ROLE},
 * BYPASSRLS, which version 008 would otherwise try to create; and the probe's NOLOGIN role), membership in both so
 * the migration role can SET ROLE to them for exactly the statements that need it, CREATE on the database and on
 * schema {@code public}, and the engine's own schema owned by the migration role. Every step is checked before it
 * is done, so a second run changes nothing; the changes are one transaction, then journaled as the migration role
 * (whose journal it is). No password is ever set: provision creates no login role.
 */
public final class Provisioner {

    private Provisioner() {}

    public static ProvisionResult run(EngineSettings s, String migrator, boolean sharedBypass) {
        Instant start = Instant.now();
        if (migrator == null || migrator.isBlank()) {
            throw new MigrationException(Code.INVALID_TARGET, "provision needs the migration role's name");
        }
        Connection c = Connections.open(s);
        try {
            Record me = Sql.ctx(c).fetchOne("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user");
            if (me == null || !Boolean.TRUE.equals(me.get(1, Boolean.class))) {
                throw new MigrationException(Code.INSUFFICIENT_PRIVILEGE, "provision must be run by a superuser ("
                        + (me == null ? "?" : me.get(0, String.class)) + " is not): it creates " + RowSecurity.BYPASS_ROLE
                        + " with BYPASSRLS, which only a superuser may do; nothing was changed");
            }
            Record role = Sql.ctx(c).fetchOne("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = ?", migrator);
            if (role == null) {
                throw new MigrationException(Code.PRECONDITION_FAILED, "role " + migrator + " does not exist; create it "
                        + "first (CREATE ROLE " + Sql.ident(migrator) + " LOGIN), then run provision again; nothing was changed");
            }
            List<ProvisionResult.Action> actions = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            if (Boolean.TRUE.equals(role.get(0, Boolean.class))) {
                warnings.add(migrator + " is a superuser: it bypasses every check provision would grant, nothing to do");
                return new ProvisionResult(migrator, ProvisionResult.Kind.MIGRATION, actions, warnings, Duration.between(start, Instant.now()));
            }
            String m = Sql.ident(migrator);
            String db = (String) Sql.ctx(c).fetchValue("SELECT current_database()");
            c.setAutoCommit(false);
            // Serialises two provisions: the role checks below and the CREATE ROLEs must not interleave.
            Sql.execute(c, "SELECT pg_advisory_xact_lock(hashtext('alphapulse provision'))");
            systemRole(c, actions, RowSecurity.BYPASS_ROLE, "NOLOGIN BYPASSRLS", true);
            if (!sharedBypass) {
                refuseSharedBypass(c, migrator);
            }
            membership(c, actions, RowSecurity.BYPASS_ROLE, migrator);
            // The reads that must see every tenant switch to rls_bypass_role; 008 grants it the tenant tables it
            // knows, and a table a later version adds is readable by it from its creation on.
            grantIf(c, actions, "SELECT for " + RowSecurity.BYPASS_ROLE + " on the tables " + migrator + " creates in public "
                    + "(default privileges)", "SELECT EXISTS (SELECT 1 FROM pg_default_acl d JOIN pg_namespace n ON n.oid = "
                    + "d.defaclnamespace, aclexplode(d.defaclacl) a WHERE d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = ?) "
                    + "AND n.nspname = 'public' AND d.defaclobjtype = 'r' AND a.privilege_type = 'SELECT' AND a.grantee = "
                    + "(SELECT oid FROM pg_roles WHERE rolname = '" + RowSecurity.BYPASS_ROLE + "'))", migrator,
                    "ALTER DEFAULT PRIVILEGES FOR ROLE " + Sql.ident(migrator) + " IN SCHEMA public GRANT SELECT ON TABLES TO "
                            + RowSecurity.BYPASS_ROLE);
            systemRole(c, actions, Verifier.PROBE_ROLE, "NOLOGIN NOINHERIT NOBYPASSRLS NOCREATEDB NOCREATEROLE", false);
            membership(c, actions, Verifier.PROBE_ROLE, migrator);
            grantIf(c, actions, "CONNECT on database " + db,
                    "SELECT has_database_privilege(?, current_database(), 'CONNECT')", migrator,
                    "GRANT CONNECT ON DATABASE " + Sql.ident(db) + " TO " + m);
            grantIf(c, actions, "CREATE on database " + db + " (for the engine's schema " + EngineSchema.SCHEMA + ")",
                    "SELECT has_database_privilege(?, current_database(), 'CREATE')", migrator,
                    "GRANT CREATE ON DATABASE " + Sql.ident(db) + " TO " + m);
            grantIf(c, actions, "USAGE and CREATE on schema public",
                    "SELECT has_schema_privilege(?, 'public', 'USAGE') AND has_schema_privilege(?, 'public', 'CREATE')",
                    migrator, "GRANT USAGE, CREATE ON SCHEMA public TO " + m);
            engineSchema(c, actions, migrator);
            historyTable(c, actions, migrator);
            foreignTables(c, warnings, migrator);
            c.commit();
            try {
                journal(c, s, migrator, "provisioned " + migrator, HistoryTable.state(c).current(), actions, start);
            } catch (SQLException | RuntimeException e) {
                throw new MigrationException(Code.FAILED, Errors.scrub(s, "provision granted what is listed as done ("
                        + String.join("; ", actions.stream().filter(ProvisionResult.Action::done).map(ProvisionResult.Action::what)
                                .toList()) + ") but could not journal it: " + Errors.describe(e)), e);
            }
            return new ProvisionResult(migrator, ProvisionResult.Kind.MIGRATION, actions, warnings, Duration.between(start, Instant.now()));
        } catch (SQLException | RuntimeException e) {
            Connections.rollbackQuietly(c);
            throw Errors.translate(s, "provision failed, nothing was changed", e);
        } finally {
            Connections.closeQuietly(c);
        }
    }

    /**
     * A cluster-wide role the tools rely on: created when missing; an existing one is reused only when its
     * attributes are the ones asked for, because a LOGIN role of that name (or one without BYPASSRLS where it is
     * needed) made by someone else must not be handed to the migration role.
     */
    private static void systemRole(Connection c, List<ProvisionResult.Action> actions, String name, String attributes,
            boolean bypass) throws SQLException {
        Record r = Sql.ctx(c).fetchOne("SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreaterole OR rolcreatedb OR rolreplication "
                + "OR EXISTS (SELECT 1 FROM pg_auth_members a WHERE a.member = pg_roles.oid) FROM pg_roles WHERE rolname = ?", name);
        String what = "role " + name + " (" + attributes.split(" NOCREATEDB")[0] + ")";
        if (r == null) {
            String sql = "CREATE ROLE " + Sql.ident(name) + " " + attributes;
            Sql.execute(c, sql);
            actions.add(new ProvisionResult.Action(what, true, sql));
            return;
        }
        boolean login = Boolean.TRUE.equals(r.get(0, Boolean.class));
        boolean superuser = Boolean.TRUE.equals(r.get(1, Boolean.class));
        boolean bypasses = Boolean.TRUE.equals(r.get(2, Boolean.class));
        // Any other power (CREATEROLE, CREATEDB, REPLICATION, or memberships of its own) would pass to the migration role too.
        boolean more = Boolean.TRUE.equals(r.get(3, Boolean.class));
        if (login || superuser || bypasses != bypass || more) {
            throw new MigrationException(Code.PRECONDITION_FAILED, "role " + name + " exists but is not " + attributes
                    + " (" + (login ? "LOGIN" : "") + (superuser ? " SUPERUSER" : "") + (bypasses ? " BYPASSRLS" : " NOBYPASSRLS")
                    + (more ? ", with CREATEROLE, CREATEDB, REPLICATION or memberships of its own" : "")
                    + "); fix or drop it, then run provision again; nothing was changed");
        }
        actions.add(new ProvisionResult.Action(what, false, ""));
    }

    /**
     * rls_bypass_role is cluster-wide, and 008 grants it the tenant tables of every database it runs in: membership
     * lets the migration role bypass row-level security in each of them, not only here. Refused, unless the caller
     * accepts it, when the role holds privileges in a database the migration role does not own.
     */
    private static void refuseSharedBypass(Connection c, String migrator) throws SQLException {
        if (isMember(c, RowSecurity.BYPASS_ROLE, migrator)) {
            return;
        }
        List<String> others = Sql.ctx(c).fetch("SELECT DISTINCT d.datname FROM pg_shdepend s JOIN pg_roles r ON r.oid = s.refobjid "
                + "JOIN pg_database d ON d.oid = s.dbid WHERE r.rolname = ? AND s.dbid <> (SELECT oid FROM pg_database WHERE "
                + "datname = current_database()) AND d.datdba <> (SELECT oid FROM pg_roles WHERE rolname = ?) ORDER BY 1",
                RowSecurity.BYPASS_ROLE, migrator).getValues(0, String.class);
        if (!others.isEmpty()) {
            throw new MigrationException(Code.PRECONDITION_FAILED, RowSecurity.BYPASS_ROLE + " is cluster-wide and holds "
                    + "privileges in " + others.size() + " other database(s) " + migrator + " does not own (" + String.join(", ",
                    others.subList(0, Math.min(5, others.size()))) + (others.size() > 5 ? ", …" : "") + "): membership would let "
                    + migrator + " bypass row-level security there too; accept that explicitly (shared bypass) or host this "
                    + "database on its own cluster; nothing was changed");
        }
    }

    /** Whether {@code member} was granted {@code role} directly. */
    private static boolean isMember(Connection c, String role, String member) throws SQLException {
        return Boolean.TRUE.equals(Sql.ctx(c).fetchValue("SELECT EXISTS (SELECT 1 FROM pg_auth_members a "
                + "JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member WHERE r.rolname = ? AND m.rolname = ?)",
                role, member));
    }

    private static void membership(Connection c, List<ProvisionResult.Action> actions, String role, String member)
            throws SQLException {
        boolean has = isMember(c, role, member);
        String what = "membership of " + member + " in " + role + " (SET ROLE " + role + ")";
        if (has) {
            actions.add(new ProvisionResult.Action(what, false, ""));
            return;
        }
        String sql = "GRANT " + Sql.ident(role) + " TO " + Sql.ident(member);
        Sql.execute(c, sql);
        actions.add(new ProvisionResult.Action(what, true, sql));
    }

    private static void grantIf(Connection c, List<ProvisionResult.Action> actions, String what, String check, String role,
            String grant) throws SQLException {
        Object[] binds = check.chars().filter(ch -> ch == '?').mapToObj(i -> role).toArray();
        if (Boolean.TRUE.equals(Sql.ctx(c).fetchValue(check, binds))) {
            actions.add(new ProvisionResult.Action(what, false, ""));
            return;
        }
        Sql.execute(c, grant);
        actions.add(new ProvisionResult.Action(what, true, grant));
    }

    /**
     * The engine's schema holds the journal and the archive (every tenant's dropped rows, without row-level
     * security): it must belong to the migration role, which writes it, and to nobody else. A schema an earlier
     * superuser run created is handed over with everything in it; it is the engine's own, nothing else lives there.
     */
    private static void engineSchema(Connection c, List<ProvisionResult.Action> actions, String migrator) throws SQLException {
        String owner = (String) Sql.ctx(c).fetchValue("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = ?",
                EngineSchema.SCHEMA);
        String what = "schema " + EngineSchema.SCHEMA + " owned by " + migrator;
        if (owner == null || owner.equals(migrator)) {
            actions.add(new ProvisionResult.Action(what + (owner == null ? " (created by its first run)" : ""), false, ""));
            return;
        }
        List<String> sql = new ArrayList<>();
        sql.add("ALTER SCHEMA " + Sql.ident(EngineSchema.SCHEMA) + " OWNER TO " + Sql.ident(migrator));
        for (Record r : Sql.ctx(c).fetch("SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = "
                + "c.relnamespace WHERE n.nspname = ? AND c.relkind IN ('r', 'p') ORDER BY c.relname", EngineSchema.SCHEMA)) {
            // ALTER TABLE also hands over the table's indexes and its identity sequences.
            sql.add("ALTER TABLE " + Sql.ident(EngineSchema.SCHEMA) + "." + Sql.ident(r.get(0, String.class))
                    + " OWNER TO " + Sql.ident(migrator));
        }
        for (Record r : Sql.ctx(c).fetch("SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = "
                + "p.pronamespace WHERE n.nspname = ?", EngineSchema.SCHEMA)) {
            sql.add("ALTER FUNCTION " + r.get(0, String.class) + " OWNER TO " + Sql.ident(migrator));
        }
        for (String statement : sql) {
            Sql.execute(c, statement);
        }
        actions.add(new ProvisionResult.Action(what + " (was " + owner + ")", true, String.join("; ", sql)));
    }

    /** Flyway's history is bookkeeping like the engine's schema: every upgrade and downgrade writes it. */
    private static void historyTable(Connection c, List<ProvisionResult.Action> actions, String migrator) throws SQLException {
        String owner = (String) Sql.ctx(c).fetchValue("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass(?)",
                HistoryTable.QUALIFIED);
        String what = HistoryTable.QUALIFIED + " owned by " + migrator;
        if (owner == null || Boolean.TRUE.equals(Sql.ctx(c).fetchValue("SELECT pg_has_role(?, relowner, 'USAGE') FROM pg_class "
                + "WHERE oid = to_regclass(?)", migrator, HistoryTable.QUALIFIED))) {
            actions.add(new ProvisionResult.Action(what + (owner == null ? " (created by the first upgrade)" : ""), false, ""));
            return;
        }
        String sql = "ALTER TABLE " + HistoryTable.QUALIFIED + " OWNER TO " + Sql.ident(migrator);
        Sql.execute(c, sql);
        actions.add(new ProvisionResult.Action(what + " (was " + owner + ")", true, sql));
    }

    /** Tables of schema public the migration role cannot alter: reported, not taken over (they may be someone's on purpose). */
    private static void foreignTables(Connection c, List<String> warnings, String migrator) throws SQLException {
        for (Record r : Sql.ctx(c).fetch("SELECT pg_get_userbyid(c.relowner), count(*), string_agg(c.relname, ', ' "
                + "ORDER BY c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = "
                + "'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND NOT pg_has_role(?, c.relowner, 'USAGE') "
                + "GROUP BY 1 ORDER BY 1", migrator)) {
            warnings.add(r.get(1, Long.class) + " table(s) of schema public belong to " + r.get(0, String.class) + " ("
                    + r.get(2, String.class) + "): " + migrator + " cannot alter them; left alone (a superuser hands them "
                    + "over with ALTER TABLE … OWNER TO " + migrator + " or REASSIGN OWNED BY " + r.get(0, String.class) + " TO "
                    + migrator + ")");
        }
    }

    /**
     * Journaled as {@code asRole} (null: as the user), so the engine's schema it creates on first use is the migration
     * role's, not a superuser's.
     */
    static void journal(Connection c, EngineSettings s, String asRole, String subject, com.alphapulse.db.migrations.Version current,
            List<ProvisionResult.Action> actions, Instant start) throws SQLException {
        c.setAutoCommit(true);
        if (asRole != null) {
            Sql.execute(c, "SET ROLE " + Sql.ident(asRole));
        }
        try {
            EngineSchema.ensure(c);
            List<String> done = actions.stream().filter(ProvisionResult.Action::done).map(ProvisionResult.Action::what).toList();
            Journal.write(c, s, new Journal.Step(UUID.randomUUID(), current, Direction.PROVISION,
                    start, Instant.now(), 0, 0, Outcome.SUCCESS, subject + ": "
                    + (done.isEmpty() ? "nothing to do, all in place" : String.join("; ", done))));
        } finally {
            if (asRole != null) {
                Sql.execute(c, "RESET ROLE");
            }
        }
    }
}
