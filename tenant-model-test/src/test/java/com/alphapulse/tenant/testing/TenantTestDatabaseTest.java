package com.alphapulse.tenant.testing;

import static com.alphapulse.tenant.testing.TenantTestDatabase.A;
import static com.alphapulse.tenant.testing.TenantTestDatabase.B;
import static com.alphapulse.tenant.testing.TenantTestDatabase.C;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.alphapulse.db.migrations.MigrationFlyway;
import com.alphapulse.db.schema.AlphaPulseSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The extension services' tests stand on: at the set's head (whatever number that is), exactly the rows its
 * constants promise, an application role that row-level security filters, rows added per tenant visible to that
 * tenant only, and nothing left on the server after the class.
 */
class TenantTestDatabaseTest {

    @RegisterExtension
    static final TenantTestDatabase DB = TenantTestDatabase.atHead();

    private static long one(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Rows of {@code table} the application role sees in {@code tenant}'s scope, per tenant_id. */
    private static Map<UUID, Integer> visibleAsApp(UUID tenant, String table) throws SQLException {
        try (Connection c = DB.appDataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("SELECT set_config('app.current_tenant_id', ?, true)")) {
                ps.setString(1, tenant.toString());
                ps.executeQuery().close();
            }
            Map<UUID, Integer> out = new LinkedHashMap<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT tenant_id, count(*) FROM " + table + " GROUP BY 1 ORDER BY 1")) {
                while (rs.next()) {
                    out.put(rs.getObject(1, UUID.class), rs.getInt(2));
                }
            }
            c.commit();
            return out;
        }
    }

    @Test
    void theDatabaseIsAtTheHeadOfTheAlphaPulseSetWithExactlyThePromisedRowsPerTenant() throws SQLException {
        assertThat(DB.version()).isEqualTo(AlphaPulseSchema.migrations().head());
        assertThat(one(DB.ownerDataSource(), "SELECT max(version::int) FROM " + MigrationFlyway.HISTORY_SCHEMA + "."
                + MigrationFlyway.HISTORY_TABLE + " WHERE success")).isEqualTo(AlphaPulseSchema.migrations().head().number());
        for (UUID tenant : TenantTestDatabase.seededTenants()) {
            for (String table : TenantTestDatabase.TENANT_TABLES) {
                assertThat(DB.adminCount(table, tenant)).as("%s of %s", table, tenant)
                        .isEqualTo(TenantTestDatabase.rowsPerTable(tenant)).isPositive();
            }
            assertThat(DB.accountId(tenant, 1)).isNotEqualTo(DB.accountId(tenant, 2));
            assertThat(DB.tenant(TenantTestDatabase.name(tenant))).isEqualTo(tenant);
        }
        assertThat(TenantTestDatabase.rowsPerTable(A)).as("different counts, so a count shows whose rows a query saw")
                .isNotEqualTo(TenantTestDatabase.rowsPerTable(B));
        assertThat(DB.jdbcUrl()).startsWith("jdbc:postgresql://").contains(DB.databaseName());
    }

    @Test
    void theApplicationRoleIsALoginRoleThatOwnsNothingAndCannotBypassRowLevelSecurity() throws SQLException {
        try (Connection c = DB.appDataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT r.rolsuper, r.rolbypassrls, r.rolcanlogin, current_user, "
                        + "(SELECT count(*) FROM pg_class t WHERE t.relowner = r.oid), "
                        + "has_table_privilege('public.flyway_schema_history', 'SELECT'), "
                        + "has_table_privilege('public.trades', 'TRUNCATE'), "
                        + "has_schema_privilege('alphapulse_migration', 'USAGE') FROM pg_roles r WHERE r.rolname = current_user")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).as("superuser").isFalse();
            assertThat(rs.getBoolean(2)).as("BYPASSRLS").isFalse();
            assertThat(rs.getBoolean(3)).as("LOGIN").isTrue();
            assertThat(rs.getString(4)).isEqualTo(DB.appRole());
            assertThat(rs.getInt(5)).as("relations owned").isZero();
            assertThat(rs.getBoolean(6)).as("Flyway's history").isFalse();
            assertThat(rs.getBoolean(7)).as("TRUNCATE").isFalse();
            assertThat(rs.getBoolean(8)).as("the engine's schema").isFalse();
        }
        assertThat(one(DB.ownerDataSource(), "SELECT count(*) FROM alphapulse_migration.journal WHERE direction = 'PROVISION' "
                + "AND message LIKE 'provisioned application role " + DB.appRole() + "%'"))
                .as("the grants came from provisionApplication").isEqualTo(1);
    }

    @Test
    void inAScopeTheApplicationRoleSeesItsTenantsRowsOnlyAndOutsideOneItIsRefused() throws SQLException {
        for (UUID tenant : TenantTestDatabase.seededTenants()) {
            for (String table : TenantTestDatabase.TENANT_TABLES) {
                assertThat(visibleAsApp(tenant, table)).as(table).containsExactly(Map.entry(tenant, DB.adminCount(table, tenant)));
            }
        }
        SQLException unscoped = catchThrowableOfType(SQLException.class, () -> one(DB.appDataSource(), "SELECT count(*) FROM trades"));
        assertThat(unscoped.getSQLState()).as(unscoped.getMessage()).isEqualTo("AP001");
    }

    @Test
    void rowsAddedForATenantAreVisibleToThatTenantOnly() throws SQLException {
        UUID d = DB.addTenant("d", 1);
        assertThat(DB.tenant("d")).isEqualTo(d);
        assertThat(DB.adminCount("trades", d)).isEqualTo(1);

        Map<String, Object> row = DB.rows(d).insert("agent_signals",
                Map.of("agent_type", "momentum", "symbol", "ADDEDUSDT", "signal", "buy", "confidence", 0.7));
        assertThat(row).containsEntry("tenant_id", d).containsEntry("symbol", "ADDEDUSDT").containsKey("id");
        assertThat(DB.rows(d).count("agent_signals")).isEqualTo(2);
        assertThat(visibleAsApp(d, "agent_signals")).containsExactly(Map.entry(d, 2));
        assertThat(visibleAsApp(C, "agent_signals")).containsExactly(Map.entry(C, TenantTestDatabase.rowsPerTable(C)));

        assertThatThrownBy(() -> DB.rows(d).insert("agent_signals", Map.of("tenant_id", C, "agent_type", "x",
                "symbol", "X", "signal", "buy", "confidence", 0.1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DB.rows(d).count("tenants")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void afterAllTheDatabaseAndTheRoleAreGone() throws SQLException {
        TenantTestDatabase other = TenantTestDatabase.atHead();
        other.beforeAll(null);
        String database = other.databaseName();
        String role = other.appRole();
        assertThat(one(other.appDataSource(), "SELECT 1")).isEqualTo(1);
        assertThat(role).isNotEqualTo(DB.appRole());
        other.afterAll(null);

        assertThat(one(DB.ownerDataSource(), "SELECT count(*) FROM pg_database WHERE datname = '" + database + "'")).isZero();
        assertThat(one(DB.ownerDataSource(), "SELECT count(*) FROM pg_roles WHERE rolname = '" + role + "'")).isZero();
        assertThatThrownBy(other::appDataSource).isInstanceOf(IllegalStateException.class).hasMessageContaining("not started");
    }
}
