package com.alphapulse.tenant.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The example of the README's "Test support for services (tenant-model-test)", compiled and run as written there. */
class ReadmeExampleTest {

    // README example begins
    @RegisterExtension
    static final TenantTestDatabase DB = TenantTestDatabase.atHead();   // fresh database at head, dropped after the class

    @Test
    void aServiceSeesTheTenantInScopeOnly() throws Exception {
        UUID tenant = TenantTestDatabase.A;                                // seeded: A, B, C with 2, 3, 4 rows per table
        DB.rows(tenant).insert("agent_signals", Map.of("agent_type", "momentum", "symbol", "BTCUSDT",
                "signal", "buy", "confidence", 0.9));                     // set-up as the owner, tenant_id = A

        try (Connection c = DB.appDataSource().getConnection()) {         // the service's role: RLS filters it
            c.setAutoCommit(false);
            try (PreparedStatement scope = c.prepareStatement("SELECT set_config('app.current_tenant_id', ?, true)")) {
                scope.setString(1, tenant.toString());
                scope.executeQuery().close();
            }
            try (PreparedStatement q = c.prepareStatement("SELECT count(*) FROM agent_signals");
                    ResultSet rs = q.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(TenantTestDatabase.rowsPerTable(tenant) + 1);
            }
            c.commit();
        }
    }
    // README example ends
}
