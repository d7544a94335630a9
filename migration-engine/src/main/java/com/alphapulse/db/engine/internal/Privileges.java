package com.alphapulse.db.engine.internal;

import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.MigrationException.Code;
import com.alphapulse.db.migrations.RowSecurity;
import com.alphapulse.db.migrations.SchemaVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every privilege the steps of an upgrade or downgrade need, checked before anything changes, so that a migration
 * role which owns the database but is not a superuser is refused at the start, with the grant that fixes it, rather
 * than part-way (version 008 used to stop the upgrade with "must be superuser to create bypassrls users" after 005
 * to 007 had run). A superuser needs none of it.
 */
final class Privileges {

    private static final Pattern CREATE_ROLE = Pattern.compile(
            "\\bCREATE\\s+ROLE\\s+(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)([^;]*)", Pattern.CASE_INSENSITIVE);
    /** Role attributes only a superuser may give (CREATEROLE is enough for the others). */
    private static final Pattern SUPERUSER_ONLY = Pattern.compile("\\b(BYPASSRLS|SUPERUSER|REPLICATION)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final String PROVISION = "; a superuser grants what the migration role needs once with provision "
            + "(the CLI's provision --migrator ROLE); nothing was changed";

    private Privileges() {}

    /** Refuses an upgrade through {@code pending} with {@code INSUFFICIENT_PRIVILEGE} naming every privilege missing. */
    static void requireForUpgrade(Connection c, List<SchemaVersion> pending) throws SQLException {
        refuse("upgrade", missingForUpgrade(c, pending));
    }

    /** Refuses a downgrade (or its plan) undoing {@code undone} with {@code INSUFFICIENT_PRIVILEGE}. */
    static void requireForDowngrade(Connection c, String verb, java.util.Collection<String> undone) throws SQLException {
        refuse(verb, missingForDowngrade(c, undone));
    }

    static List<String> missingForUpgrade(Connection c, List<SchemaVersion> pending) throws SQLException {
        List<String> missing = new ArrayList<>();
        if (pending.isEmpty() || superuser(c)) {
            return missing;
        }
        String user = currentUser(c);
        engineSchema(c, user, missing);
        if (!Boolean.TRUE.equals(Sql.value(c, "SELECT has_schema_privilege('public', 'CREATE')"))) {
            missing.add("CREATE on schema public (GRANT CREATE ON SCHEMA public TO " + Sql.ident(user) + ")");
        }
        Set<String> tables = new LinkedHashSet<>();
        for (SchemaVersion v : pending) {
            tables.addAll(touched(v.migrationSql()));
            for (Script.Statement st : Script.parse(v.migrationSql())) {
                for (Matcher m = CREATE_ROLE.matcher(st.sql()); m.find(); ) {
                    role(c, user, v, Script.name(m.group(1)), m.group(2), missing);
                }
            }
        }
        owned(c, user, tables, missing);
        history(c, user, missing);
        for (SchemaVersion v : pending) {
            functions(c, user, v.migrationSql(), missing);
        }
        return missing;
    }

    static List<String> missingForDowngrade(Connection c, java.util.Collection<String> undone) throws SQLException {
        List<String> missing = new ArrayList<>();
        if (undone.isEmpty() || superuser(c)) {
            return missing;
        }
        String user = currentUser(c);
        engineSchema(c, user, missing);
        Set<String> tables = new LinkedHashSet<>();
        for (String undo : undone) {
            tables.addAll(touched(undo));
        }
        owned(c, user, tables, missing);
        history(c, user, missing);
        for (String undo : undone) {
            functions(c, user, undo, missing);
        }
        // The plan counts what each step would drop and checks what it would break (emails shared across tenants,
        // values a restored key would reject) on every tenant's rows; row-level security must not hide any of them.
        if (RowSecurity.filtersAny(c) && !Boolean.TRUE.equals(Sql.value(c, "SELECT EXISTS (SELECT 1 FROM pg_roles "
                + "WHERE rolname = ? AND rolbypassrls AND " + RowSecurity.canSetRole("oid") + ")", RowSecurity.BYPASS_ROLE))) {
            missing.add("membership in " + RowSecurity.BYPASS_ROLE + " (row-level security hides other tenants' rows from "
                    + user + ", and the downgrade must count, check and archive all of them: GRANT " + RowSecurity.BYPASS_ROLE
                    + " TO " + Sql.ident(user) + ")");
        }
        return missing;
    }

    private static void refuse(String verb, List<String> missing) {
        if (!missing.isEmpty()) {
            throw new MigrationException(Code.INSUFFICIENT_PRIVILEGE, verb + " refused before it started: missing "
                    + String.join("; ", missing) + PROVISION);
        }
    }

    private static boolean superuser(Connection c) throws SQLException {
        return Boolean.TRUE.equals(Sql.value(c, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
    }

    private static String currentUser(Connection c) throws SQLException {
        return (String) Sql.value(c, "SELECT current_user");
    }

    /** The engine writes its journal (and archive) in its own schema: created with CREATE on the database, or owned. */
    private static void engineSchema(Connection c, String user, List<String> missing) throws SQLException {
        Object[] r = Sql.row(c, "SELECT pg_get_userbyid(nspowner), pg_has_role(current_user, nspowner, 'USAGE') "
                + "FROM pg_namespace WHERE nspname = ?", EngineSchema.SCHEMA);
        if (r == null) {
            if (!Boolean.TRUE.equals(Sql.value(c, "SELECT has_database_privilege(current_database(), 'CREATE')"))) {
                missing.add("CREATE on the database, for the engine's schema " + EngineSchema.SCHEMA
                        + " (GRANT CREATE ON DATABASE " + Sql.ident((String) Sql.value(c, "SELECT current_database()"))
                        + " TO " + Sql.ident(user) + ")");
            }
        } else if (!Boolean.TRUE.equals(r[1])) {
            missing.add("ownership of the engine's schema " + EngineSchema.SCHEMA + " (owned by " + r[0]
                    + "; provision hands it over with its journal and archive)");
        }
    }

    /**
     * A role a script creates: nothing to do when it exists (the scripts tolerate that); CREATEROLE creates an
     * ordinary one, only a superuser one with BYPASSRLS, like 008's rls_bypass_role.
     */
    private static void role(Connection c, String user, SchemaVersion v, String role, String attributes,
            List<String> missing) throws SQLException {
        if (Boolean.TRUE.equals(Sql.value(c, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ?)", role))) {
            return;
        }
        Matcher su = SUPERUSER_ONLY.matcher(attributes);
        if (su.find()) {
            missing.add("role " + role + ": version " + v.label() + " creates it with " + su.group(1).toUpperCase(Locale.ROOT)
                    + ", which only a superuser may do (provision creates it, once per cluster)");
        } else if (!Boolean.TRUE.equals(Sql.value(c, "SELECT rolcreaterole FROM pg_roles WHERE rolname = current_user"))) {
            missing.add("role " + role + ": version " + v.label() + " creates it, which needs CREATEROLE (ALTER ROLE "
                    + Sql.ident(user) + " CREATEROLE, or create it beforehand)");
        }
    }

    /** Existing tables of schema public the statements alter, drop, index or lock: only their owner may. */
    private static void owned(Connection c, String user, Set<String> tables, List<String> missing) throws SQLException {
        List<String> foreign = new ArrayList<>();
        for (String t : tables) {
            Object[] r = Sql.row(c, "SELECT pg_get_userbyid(relowner), pg_has_role(current_user, relowner, 'USAGE') "
                    + "FROM pg_class WHERE oid = to_regclass(?)", t.contains(".") ? t : "public." + Sql.ident(t));
            if (r != null && !Boolean.TRUE.equals(r[1])) {
                foreign.add(t + " (owned by " + r[0] + ")");
            }
        }
        if (!foreign.isEmpty()) {
            missing.add("ownership of " + String.join(", ", foreign) + ": only a table's owner may alter it (ALTER TABLE … OWNER TO "
                    + Sql.ident(user) + ", as a superuser)");
        }
    }

    private static final Pattern FUNCTION = Pattern.compile("\\b(?:CREATE\\s+OR\\s+REPLACE|DROP)\\s+FUNCTION\\s+(?:IF\\s+EXISTS\\s+)?"
            + "(?:public\\s*\\.\\s*)?(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)", Pattern.CASE_INSENSITIVE);

    /** Upgrades record versions in Flyway's history and downgrades delete them: the table must be writable. */
    private static void history(Connection c, String user, List<String> missing) throws SQLException {
        Object ok = Sql.value(c, "SELECT has_table_privilege(to_regclass(?), 'INSERT, UPDATE, DELETE') "
                + "AND has_table_privilege(to_regclass(?), 'SELECT')", HistoryTable.QUALIFIED, HistoryTable.QUALIFIED);
        if (ok != null && !Boolean.TRUE.equals(ok)) {
            missing.add("INSERT, UPDATE and DELETE on " + HistoryTable.QUALIFIED + " (provision hands it over to " + user + ")");
        }
    }

    /** A function a script replaces or drops that exists already: only its owner may. */
    private static void functions(Connection c, String user, String script, List<String> missing) throws SQLException {
        for (Script.Statement st : Script.parse(script)) {
            for (Matcher m = FUNCTION.matcher(st.sql()); m.find(); ) {
                String name = Script.name(m.group(1));
                Object[] r = Sql.row(c, "SELECT string_agg(DISTINCT pg_get_userbyid(p.proowner), ', ') FROM pg_proc p "
                        + "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND p.proname = ? "
                        + "AND NOT pg_has_role(current_user, p.proowner, 'USAGE')", name);
                if (r != null && r[0] != null) {
                    missing.add("ownership of function " + name + " (owned by " + r[0] + "; ALTER FUNCTION … OWNER TO "
                            + Sql.ident(user) + ", as a superuser)");
                }
            }
        }
    }

    private static Set<String> touched(String script) {
        return Script.touchedTables(Script.parse(script));
    }
}
