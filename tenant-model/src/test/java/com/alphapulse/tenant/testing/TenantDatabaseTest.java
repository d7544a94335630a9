package com.alphapulse.tenant.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.migrations.MigrationFlyway;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.testing.TestDatabases;
import com.alphapulse.tenant.TenantId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fixture every database test of this module stands on: at the set's head (whatever number that is),
 * and exactly the rows its constants promise, so the other tests may compare with those constants.
 */
class TenantDatabaseTest {

    @Test
    void the_database_is_at_the_head_of_the_alphapulse_set_with_exactly_the_promised_rows_per_tenant() {
        try (TenantDatabase db = TenantDatabase.create("tenant_fixture")) {
            assertThat(db.version()).isEqualTo(AlphaPulseSchema.migrations().head());
            long applied = TestDatabases.count(db.database(), "SELECT max(version::int) FROM "
                    + MigrationFlyway.HISTORY_SCHEMA + "." + MigrationFlyway.HISTORY_TABLE + " WHERE success");
            assertThat(applied).isEqualTo(AlphaPulseSchema.migrations().head().number());

            for (TenantId tenant : List.of(TenantDatabase.A, TenantDatabase.B, TenantDatabase.C)) {
                for (String table : TenantDatabase.TENANT_TABLES) {
                    assertThat(db.adminCount(table, tenant)).as("%s of %s", table, tenant)
                            .isEqualTo(TenantDatabase.rowsPerTable(tenant)).isPositive();
                }
                assertThat(db.accountId(tenant, 1)).isNotEqualTo(db.accountId(tenant, 2));
            }
            assertThat(TenantDatabase.rowsPerTable(TenantDatabase.A))
                    .as("different counts, so a count shows whose rows a query saw")
                    .isNotEqualTo(TenantDatabase.rowsPerTable(TenantDatabase.B));
        }
    }
}
