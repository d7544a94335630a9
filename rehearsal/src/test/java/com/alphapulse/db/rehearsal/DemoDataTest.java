package com.alphapulse.db.rehearsal;

import static com.alphapulse.db.rehearsal.Fixtures.count;
import static com.alphapulse.db.rehearsal.Fixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.engine.MigrationException.Code;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.schema.AlphaPulseSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** loadDemoData: realistic multi-tenant rows, at 007 and at head. */
class DemoDataTest {

    static final Database DB = Fixtures.database("demo_data");

    @AfterAll
    static void dropDatabase() {
        Fixtures.drop(DB);
    }

    @Test
    @DisplayName("refused without tenant tables; generic rows where only users has tenant_id (006); at 007 and again at head "
            + "it spreads realistic rows over the tenants, consistently, and reproducibly by seed")
    void loads_multi_tenant_data() {
        MigrationEngine engine = Fixtures.engine(DB);
        Rehearsals rehearsals = Fixtures.rehearsals(DB);
        engine.upgrade("005");
        assertThat(failure(() -> rehearsals.loadDemoData(new DemoDataOptions(2, 0.01, 1))).code()).isEqualTo(Code.PRECONDITION_FAILED);
        engine.upgrade("006");
        LoadDemoDataResult at6 = rehearsals.loadDemoData(new DemoDataOptions(2, 0.01, 99));
        assertThat(at6.rows()).containsOnlyKeys("tenants", "users");
        assertThat(at6.rows().get("users")).isEqualTo(2 * 5L);
        Fixtures.exec(DB, "DELETE FROM users WHERE tenant_id <> '" + com.alphapulse.db.schema.AlphaPulseSchema.DEFAULT_TENANT_ID
                + "'", "DELETE FROM tenants WHERE id <> '" + com.alphapulse.db.schema.AlphaPulseSchema.DEFAULT_TENANT_ID + "'");
        engine.upgrade("007");
        LoadDemoDataResult at7 = rehearsals.loadDemoData(new DemoDataOptions(3, 0.03, 1).withIntoExistingTenants(true));
        assertThat(at7.version()).isEqualTo("007");
        assertThat(at7.trades()).isEqualTo(3000);
        assertThat(at7.rows()).containsKeys("tenants", "users", "trading_accounts", "positions", "trades", "portfolio_snapshots",
                "risk_metrics", "agent_signals", "audit_logs");
        assertThat(at7.rows().get("tenants")).isEqualTo(3);
        assertThat(failure(() -> rehearsals.loadDemoData(new DemoDataOptions(3, 0.03, 1).withIntoExistingTenants(true))).getMessage())
                .contains("already loaded");

        engine.upgrade("head");
        LoadDemoDataResult atHead = rehearsals.loadDemoData(new DemoDataOptions(2, 0.01, 2).withIntoExistingTenants(true));
        assertThat(atHead.version()).isEqualTo("011");
        assertThat(atHead.tenantIds()).doesNotContainAnyElementsOf(at7.tenantIds());
        // Unless asked to, fake tenants never land among the ones a database holds already, and nothing is written.
        long tenantsBefore = count(DB, "SELECT count(*) FROM public.tenants");
        long tradesBefore = count(DB, "SELECT count(*) FROM public.trades");
        com.alphapulse.db.engine.MigrationException refused = failure(() -> rehearsals.loadDemoData(new DemoDataOptions(2, 0.01, 3)));
        assertThat(refused.code()).isEqualTo(Code.PRECONDITION_FAILED);
        assertThat(refused.getMessage()).contains("holds 5 tenants", "nothing was written");
        assertThat(rehearsals.countTenants().tenants()).isEqualTo(5);
        assertThat(count(DB, "SELECT count(*) FROM public.tenants")).isEqualTo(tenantsBefore);
        assertThat(count(DB, "SELECT count(*) FROM public.trades")).isEqualTo(tradesBefore);

        for (String table : AlphaPulseSchema.TENANT_TABLES) {
            assertThat(count(DB, "SELECT count(DISTINCT tenant_id) FROM public." + table)).as(table).isEqualTo(5);
        }
        // Children belong to their account's (or user's) tenant, as the spec's backfill would derive them.
        assertThat(count(DB, "SELECT count(*) FROM public.trades t JOIN public.trading_accounts a ON a.id = t.account_id "
                + "WHERE a.tenant_id <> t.tenant_id")).isZero();
        assertThat(count(DB, "SELECT count(*) FROM public.audit_logs l JOIN public.users u ON u.id = l.user_id "
                + "WHERE u.tenant_id <> l.tenant_id")).isZero();
        assertThat(count(DB, "SELECT count(*) FROM public.audit_logs WHERE user_id IS NULL")).isPositive();
        assertThat(count(DB, "SELECT count(*) FROM (SELECT email FROM public.users GROUP BY email HAVING count(*) > 1) d")).isZero();
        // The same seed gives the same tenant ids.
        assertThat(at7.tenantIds().get(0)).isEqualTo(java.util.UUID.nameUUIDFromBytes("d1-1".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
