package com.alphapulse.db.migrations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reading every tenant's rows as a role that row-level security filters. The migration role owns the tenant
 * tables but is neither superuser nor BYPASSRLS, and FORCE ROW LEVEL SECURITY subjects the owner to the
 * policies: counting, checking, archiving or snapshotting as that role would see one tenant's rows, or none,
 * and an undercount there is a wrong answer or lost data, never an error. So work that must see every tenant
 * switches to {@link #BYPASS_ROLE} (NOLOGIN BYPASSRLS, created by version 008 or by a superuser's provision),
 * of which the migration role is a member, for exactly those statements.
 *
 * <p>{@code SET ROLE} changes whose privileges apply, not only RLS: the switch covers only the reads of the
 * tables it was opened for, which the bypass role holds SELECT on (008 grants it), and is undone by
 * {@link Switch#close()}. A user who already bypasses row-level security (superuser, BYPASSRLS), and tables
 * that row-level security does not filter for the user, need no switch: nothing changes for them.
 */
public final class RowSecurity {

    /** The role with BYPASSRLS the migration role switches to; its name is the one version 008 gives it. */
    public static final String BYPASS_ROLE = "rls_bypass_role";
    /** SQLSTATE insufficient_privilege, the state of the refusal below, so callers map it as a privilege error. */
    public static final String INSUFFICIENT_PRIVILEGE = "42501";

    private RowSecurity() {}

    /** An open switch (or none); closing it returns the session to the role it had. */
    public interface Switch extends AutoCloseable {
        /** Whether statements now run as {@link #BYPASS_ROLE}. */
        boolean switched();

        @Override
        void close() throws SQLException;
    }

    private static final Switch NONE = new Switch() {
        @Override
        public boolean switched() {
            return false;
        }

        @Override
        public void close() {}
    };

    /**
     * The tables of {@code tables} (names as {@code schema.table} or bare for {@code public}) whose rows
     * row-level security would filter for the current user: RLS enabled, and either forced or the user not the
     * owner, for a user that is neither superuser nor BYPASSRLS.
     */
    public static List<String> filtered(Connection c, Collection<String> tables) throws SQLException {
        List<String> out = new ArrayList<>();
        if (tables.isEmpty() || bypasses(c)) {
            return out;
        }
        try (PreparedStatement s = c.prepareStatement("SELECT c.relrowsecurity AND (c.relforcerowsecurity "
                + "OR NOT pg_has_role(current_user, c.relowner, 'USAGE')) FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            for (String t : tables) {
                String[] parts = split(t);
                s.setString(1, parts[0]);
                s.setString(2, parts[1]);
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        out.add(t);
                    }
                }
            }
        }
        return out;
    }

    /** Whether any table of schema {@code public} has row-level security that filters the current user. */
    public static boolean filtersAny(Connection c) throws SQLException {
        if (bypasses(c)) {
            return false;
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM "
                + "pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND "
                + "c.relrowsecurity AND (c.relforcerowsecurity OR NOT pg_has_role(current_user, c.relowner, "
                + "'USAGE')))")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /**
     * Makes the next statements on {@code c} see every tenant's rows of {@code tables}: no switch when none of
     * them is {@link #filtered}, else {@code SET ROLE} to the bypass role (transaction-local inside a
     * transaction). Refused with SQLSTATE {@value #INSUFFICIENT_PRIVILEGE}, naming the grant, when the user is
     * not a member of the bypass role or the role lacks SELECT on one of the tables: the read is never run
     * with part of the rows.
     */
    public static Switch seeEveryTenant(Connection c, Collection<String> tables) throws SQLException {
        List<String> filtered = filtered(c, tables);
        if (filtered.isEmpty()) {
            return NONE;
        }
        String user;
        boolean member;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user, "
                + "EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + BYPASS_ROLE + "' AND rolbypassrls) AND "
                + canSetRole("(SELECT oid FROM pg_roles WHERE rolname = '" + BYPASS_ROLE + "')"))) {
            rs.next();
            user = rs.getString(1);
            member = rs.getBoolean(2);
        }
        if (!member) {
            throw new SQLException("row-level security hides other tenants' rows of " + String.join(", ", filtered)
                    + " from " + user + ", which is neither superuser nor BYPASSRLS nor a member of " + BYPASS_ROLE
                    + "; a superuser grants what it needs once with provision (GRANT " + BYPASS_ROLE + " TO "
                    + user + ")", INSUFFICIENT_PRIVILEGE);
        }
        try (PreparedStatement s = c.prepareStatement("SELECT has_table_privilege(?, ?, 'SELECT')")) {
            for (String t : filtered) {
                s.setString(1, BYPASS_ROLE);
                s.setString(2, quoted(t));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        throw new SQLException(BYPASS_ROLE + " cannot read " + t + ", so its rows of every tenant "
                                + "cannot be read; grant it with: GRANT SELECT ON " + quoted(t) + " TO "
                                + BYPASS_ROLE, INSUFFICIENT_PRIVILEGE);
                    }
                }
            }
        }
        boolean local = !c.getAutoCommit();
        String previous = currentRole(c);
        try (Statement s = c.createStatement()) {
            s.execute((local ? "SET LOCAL ROLE " : "SET ROLE ") + BYPASS_ROLE);
        }
        return new Switch() {
            @Override
            public boolean switched() {
                return true;
            }

            @Override
            public void close() throws SQLException {
                try (Statement s = c.createStatement()) {
                    s.execute((local ? "SET LOCAL ROLE " : "SET ROLE ") + previous);
                }
            }
        };
    }

    /**
     * SQL that is true when the current user may {@code SET ROLE} to {@code role} (an oid or name expression): from
     * PostgreSQL 16 a membership granted WITH SET FALSE is a membership that cannot, so 'SET' is asked there.
     */
    public static String canSetRole(String role) {
        return "(CASE WHEN current_setting('server_version_num')::int >= 160000 THEN pg_has_role(current_user, " + role
                + ", 'SET') ELSE pg_has_role(current_user, " + role + ", 'MEMBER') END)";
    }

    /** Whether the current user is superuser or BYPASSRLS, which row-level security never filters. */
    public static boolean bypasses(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** The role to return to: {@code NONE} (the session user) or the role a caller had switched to. */
    private static String currentRole(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_setting('role')")) {
            rs.next();
            String role = rs.getString(1);
            return role == null || "none".equals(role) ? "NONE" : "\"" + role.replace("\"", "\"\"") + "\"";
        }
    }

    private static String[] split(String table) {
        int dot = table.indexOf('.');
        return dot < 0 ? new String[] {"public", table} : new String[] {table.substring(0, dot), table.substring(dot + 1)};
    }

    private static String quoted(String table) {
        String[] parts = split(table);
        return "\"" + parts[0].replace("\"", "\"\"") + "\".\"" + parts[1].replace("\"", "\"\"") + "\"";
    }
}
