package com.alphapulse.tenant.jdbc;

import com.alphapulse.tenant.TenantId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** What a connection can see, for assertions. */
final class Rows {

    /**
     * The SQLState alphapulse_current_tenant() raises from version 011 on when no tenant is in scope: the
     * policies read the tenant through it, on a fresh session and on one that held the setting alike.
     */
    static final String NO_TENANT = "AP001";
    /** Its message, exactly. */
    static final String NO_TENANT_MESSAGE = "no tenant in scope: set app.current_tenant_id";

    private Rows() {}

    /** Visible rows of {@code table} by tenant. */
    static Map<TenantId, Integer> byTenant(Connection c, String table) throws SQLException {
        Map<TenantId, Integer> counts = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT tenant_id, count(*) FROM " + table + " GROUP BY tenant_id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.put(TenantId.of(rs.getObject(1, UUID.class)), rs.getInt(2));
            }
        }
        return counts;
    }

    /**
     * How a read of {@code table} outside any scope ends: the SQLState it is refused with, or
     * "returned N rows" when it is not refused (which no tenant table allows from 011 on). Inside the caller's
     * transaction the refusal is rolled back to a savepoint, so the transaction goes on.
     */
    static String outsideScope(Connection c, String table) throws SQLException {
        boolean inTransaction = !c.getAutoCommit();
        Savepoint savepoint = inTransaction ? c.setSavepoint() : null;
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return "returned " + rs.getInt(1) + " rows";
        } catch (SQLException e) {
            if (savepoint != null) {
                c.rollback(savepoint);
            }
            return e.getSQLState();
        }
    }

    /** The value of the tenant setting on {@code c}: null when never set in the session, else text. */
    static String setting(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT current_setting('app.current_tenant_id', true)");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
