package com.alphapulse.tenant.testing.internal;

import com.alphapulse.tenant.testing.TenantRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;

/** {@link TenantRows} on the owner's connections, each call one transaction with the tenant set. */
public final class JdbcTenantRows implements TenantRows {

    private static final String TENANT_ID = "tenant_id";

    private final DataSource owner;
    private final UUID tenant;

    public JdbcTenantRows(DataSource owner, UUID tenant) {
        this.owner = owner;
        this.tenant = Objects.requireNonNull(tenant, "tenant");
    }

    @Override
    public UUID tenant() {
        return tenant;
    }

    @Override
    public Map<String, Object> insert(String table, Map<String, ?> values) {
        Map<String, Object> row = new LinkedHashMap<>(values);
        try (Connection c = scoped()) {
            boolean tenantTable = hasTenantColumn(c, table);
            Object given = row.get(TENANT_ID);
            if (given != null && !given.toString().equals(tenant.toString())) {
                throw new IllegalArgumentException("a row of tenant " + tenant + " with tenant_id " + given);
            }
            if (tenantTable) {
                // Named, not left to the default: the owner may be a superuser, which no policy checks.
                row.put(TENANT_ID, tenant);
            }
            List<String> columns = new ArrayList<>(row.keySet());
            String sql = "INSERT INTO public." + ident(table) + (columns.isEmpty() ? " DEFAULT VALUES" : " ("
                    + String.join(", ", columns.stream().map(JdbcTenantRows::ident).toList()) + ") VALUES ("
                    + String.join(", ", columns.stream().map(x -> "?").toList()) + ")") + " RETURNING *";
            Map<String, Object> stored = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < columns.size(); i++) {
                    ps.setObject(i + 1, row.get(columns.get(i)));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    ResultSetMetaData md = rs.getMetaData();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        stored.put(md.getColumnLabel(i), rs.getObject(i));
                    }
                }
            }
            c.commit();
            return stored;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot insert into " + table + " for tenant " + tenant + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int count(String table) {
        try (Connection c = scoped()) {
            if (!hasTenantColumn(c, table)) {
                throw new IllegalArgumentException("not a tenant table: " + table);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM public." + ident(table) + " WHERE tenant_id = ?")) {
                ps.setObject(1, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    int n = rs.getInt(1);
                    c.commit();
                    return n;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count " + table + " of tenant " + tenant + ": " + e.getMessage(), e);
        }
    }

    /** A connection in a transaction whose tenant setting ends with it, as tenant-model's scopes do. */
    private Connection scoped() throws SQLException {
        Connection c = owner.getConnection();
        try {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("SELECT set_config('app.current_tenant_id', ?, true)")) {
                ps.setString(1, tenant.toString());
                ps.executeQuery().close();
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static boolean hasTenantColumn(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = "
                + "to_regclass(?) AND attname = ? AND attnum > 0 AND NOT attisdropped)")) {
            ps.setString(1, "public." + ident(table));
            ps.setString(2, TENANT_ID);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
