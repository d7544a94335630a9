package com.alphapulse.db.verification.internal;

import com.alphapulse.db.verification.Verifier;
import com.alphapulse.db.verification.VerificationException;
import com.alphapulse.db.verification.VerificationException.Code;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The role the isolation probe and the RLS measurement run their application-side statements as: never
 * superuser, never BYPASSRLS, never able to log in, owning nothing. Everything here happens inside the
 * caller's open transaction, which the caller always rolls back: the role (when created) and its grants
 * exist only for that transaction, so a failure halfway, or a session killed halfway, leaves nothing behind.
 *
 * <p>A user that may create roles (superuser or CREATEROLE) gets a fresh random role, so that no other
 * session's grants or memberships can leak into the checks. The production migration role may not
 * (no CREATEROLE), so it uses {@link Verifier#PROBE_ROLE}, created once by a superuser's provision; that role
 * is checked before use, because a probe run as a role that bypasses row-level security would pass every
 * check and prove nothing.
 */
final class ProbeRole {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final String name;
    private final boolean provisioned;

    private ProbeRole(String name, boolean provisioned) {
        this.name = name;
        this.provisioned = provisioned;
    }

    static String random(int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    /**
     * The role, with {@code privileges} on {@code tables}, inside {@code admin}'s open transaction; checked
     * to be one {@code admin} may {@code SET ROLE} to.
     *
     * @throws VerificationException INSUFFICIENT_PRIVILEGE naming the grant when the user can neither create
     *     a role nor use a sound provisioned one; PROBE_SETUP_FAILED when a grant fails otherwise
     */
    static ProbeRole prepare(Connection admin, String prefix, List<String> tables, String privileges) {
        ProbeRole role;
        try {
            role = mayCreateRoles(admin) ? create(admin, prefix) : provisioned(admin);
        } catch (SQLException e) {
            throw new VerificationException(Code.PROBE_SETUP_FAILED, "cannot prepare the probe role: "
                    + e.getMessage(), e);
        }
        role.grant(admin, tables, privileges);
        role.requireSwitchable(admin);
        return role;
    }

    String name() {
        return name;
    }

    boolean provisioned() {
        return provisioned;
    }

    /** Makes the rest of the current transaction (or savepoint) run as this role. */
    void enter(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL ROLE " + Jdbc.ident(name));
        }
    }

    private static boolean mayCreateRoles(Connection admin) throws SQLException {
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static ProbeRole create(Connection admin, String prefix) throws SQLException {
        ProbeRole role = new ProbeRole(prefix + random(10), false);
        try (Statement s = admin.createStatement()) {
            // No LOGIN and no password: the role is only ever entered with SET ROLE from this transaction, so
            // nothing secret is sent, logged (log_statement) or left behind, and pg_hba does not matter.
            s.execute("CREATE ROLE " + Jdbc.ident(role.name) + " NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB "
                    + "NOCREATEROLE NOINHERIT");
            if (!superuser(admin)) {
                // A CREATEROLE user is not a member of the roles it creates (from PostgreSQL 16 it holds only
                // ADMIN OPTION on them), and SET ROLE needs membership with the SET option.
                s.execute("GRANT " + Jdbc.ident(role.name) + " TO CURRENT_USER"
                        + (admin.getMetaData().getDatabaseMajorVersion() >= 16 ? " WITH INHERIT FALSE, SET TRUE" : ""));
            }
        }
        return role;
    }

    private static boolean superuser(Connection admin) throws SQLException {
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** {@link Verifier#PROBE_ROLE}, refused unless it is sound and the user may switch to it. */
    private static ProbeRole provisioned(Connection admin) throws SQLException {
        String name = Verifier.PROBE_ROLE;
        try (PreparedStatement s = admin.prepareStatement("SELECT current_user, r.oid IS NOT NULL, r.rolcanlogin, "
                + "r.rolsuper, r.rolbypassrls, r.oid IS NOT NULL AND pg_has_role(current_user, r.oid, 'MEMBER'), "
                + "(SELECT string_agg(c.relname, ', ' ORDER BY c.relname) FROM pg_class c JOIN pg_namespace n "
                + "ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND pg_has_role(r.oid, c.relowner, 'MEMBER')) "
                + "FROM (SELECT 1) one LEFT JOIN pg_roles r ON r.rolname = ?")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                String user = rs.getString(1);
                String grant = "a superuser runs provision once (CREATE ROLE " + name + " NOLOGIN NOINHERIT "
                        + "NOBYPASSRLS; GRANT " + name + " TO " + user + ")";
                if (!rs.getBoolean(2)) {
                    throw refused(user + " may not create roles and the probe role " + name + " does not exist; "
                            + grant);
                }
                if (rs.getBoolean(3) || rs.getBoolean(4) || rs.getBoolean(5)) {
                    throw refused("the probe role " + name + " must be NOLOGIN, NOSUPERUSER and NOBYPASSRLS, a "
                            + "role row-level security filters; it is" + (rs.getBoolean(3) ? " LOGIN" : "")
                            + (rs.getBoolean(4) ? " SUPERUSER" : "") + (rs.getBoolean(5) ? " BYPASSRLS" : "")
                            + "; a superuser fixes it: ALTER ROLE " + name + " NOLOGIN NOSUPERUSER NOBYPASSRLS");
                }
                if (rs.getString(7) != null) {
                    throw refused("the probe role " + name + " owns (or is a member of the owner of) "
                            + rs.getString(7) + ": an owner can switch row-level security off; it must own nothing");
                }
                if (!rs.getBoolean(6)) {
                    throw refused(user + " may not create roles and is not a member of the probe role " + name
                            + "; " + grant);
                }
            }
        }
        return new ProbeRole(name, true);
    }

    private static VerificationException refused(String message) {
        return new VerificationException(Code.INSUFFICIENT_PRIVILEGE, message);
    }

    private void grant(Connection admin, List<String> tables, String privileges) {
        String role = Jdbc.ident(name);
        try (Statement s = admin.createStatement()) {
            if (!schemaUsage(admin)) {
                s.execute("GRANT USAGE ON SCHEMA public TO " + role);
            }
            for (String t : tables) {
                s.execute("GRANT " + privileges + " ON " + Jdbc.table(t) + " TO " + role);
            }
            // Serial columns need it for the INSERT checks (identity columns do not); a sequence the user does
            // not own is skipped with a warning, not an error.
            s.execute("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO " + role);
        } catch (SQLException e) {
            Code code = Jdbc.INSUFFICIENT_PRIVILEGE.equals(e.getSQLState()) ? Code.INSUFFICIENT_PRIVILEGE
                    : Code.PROBE_SETUP_FAILED;
            throw new VerificationException(code, "cannot grant " + privileges + " on the tenant tables to the "
                    + "probe role " + name + " (the tables' owner can): " + e.getMessage(), e);
        }
    }

    private boolean schemaUsage(Connection admin) throws SQLException {
        try (PreparedStatement s = admin.prepareStatement("SELECT has_schema_privilege(?, 'public', 'USAGE')")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * Tries SET ROLE once in a savepoint: membership alone is not enough from PostgreSQL 16 on (the grant
     * may lack the SET option), and a refusal here is a clear message instead of a failed check per table.
     */
    private void requireSwitchable(Connection admin) {
        try (Statement s = admin.createStatement()) {
            s.execute("SAVEPOINT alphapulse_probe_role");
            try {
                enter(admin);
            } catch (SQLException e) {
                s.execute("ROLLBACK TO SAVEPOINT alphapulse_probe_role");
                throw new VerificationException(Code.INSUFFICIENT_PRIVILEGE, "cannot SET ROLE " + name + ": "
                        + e.getMessage() + "; a superuser grants it with SET: GRANT " + name + " TO "
                        + currentUser(admin) + " WITH SET TRUE", e);
            }
            s.execute("ROLLBACK TO SAVEPOINT alphapulse_probe_role");
        } catch (SQLException e) {
            throw new VerificationException(Code.PROBE_SETUP_FAILED, "cannot switch to the probe role " + name
                    + ": " + e.getMessage(), e);
        }
    }

    private static String currentUser(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
