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

    /** The SQLState of {@code ''::uuid}, which the policies evaluate once a session has held the setting. */
    static final String INVALID_UUID_TEXT = "22P02";

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
     * Visible rows of {@code table} outside any scope. On a session that once held the setting, PostgreSQL
     * reports the unset setting as '' rather than NULL, and the policies' {@code ''::uuid} then refuses the
     * query with 22P02; that refusal shows nothing either, so it counts as zero visible rows. Any other
     * error is rethrown.
     */
    static int visibleOutsideScope(Connection c, String table) throws SQLException {
        boolean inTransaction = !c.getAutoCommit();
        Savepoint savepoint = inTransaction ? c.setSavepoint() : null;
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            if (!INVALID_UUID_TEXT.equals(e.getSQLState())) {
                throw e;
            }
            if (savepoint != null) {
                c.rollback(savepoint);
            }
            return 0;
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
