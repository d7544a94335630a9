package com.alphapulse.db.engine;

import static com.alphapulse.db.engine.Fixtures.count;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.testing.AlphaPulseRows;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** plan(): steps, statements, locks, risks counted on live data, SECURITY warnings, preconditions; and the refusals they drive. */
class PlanTest {

    static final Database DB = Fixtures.database("plan");
    static MigrationEngine engine;

    @BeforeAll
    static void headWithThreeTenants() {
        engine = Fixtures.engine(DB);
        engine.upgrade("head");
        AlphaPulseRows.load(DB, 3, 340);
    }

    @AfterAll
    static void dropDatabase() {
        Fixtures.drop(DB);
    }

    @Test
    @DisplayName("plan to 002 lists the seven undo steps with their statements, locks and counted data loss, and changes nothing")
    void plan_to_002() {
        Fixtures.State before = Fixtures.state(DB);
        PlanResult plan = engine.plan("002");
        Fixtures.assertUnchanged(DB, before);

        assertThat(plan.fromVersion().label()).isEqualTo("011");
        assertThat(plan.toVersion().label()).isEqualTo("002");
        assertThat(plan.steps()).extracting(st -> st.version().label()).containsExactly("011", "010", "009", "008", "007", "006", "005");
        assertThat(plan.steps()).extracting(PlanResult.Step::risk)
                .containsExactly(Risk.NONE, Risk.NONE, Risk.NONE, Risk.NONE, Risk.MEDIUM, Risk.MEDIUM, Risk.HIGH);
        assertThat(plan.risk()).isEqualTo(Risk.HIGH);
        assertThat(plan.unrecoverableRisk(true)).isEqualTo(Risk.NONE);
        assertThat(plan.unrecoverableRisk(false)).isEqualTo(Risk.HIGH);
        assertThat(plan.blockers()).isEmpty();
        assertThat(plan.warnings()).isEmpty();
        assertThat(plan.total()).isPositive();

        PlanResult.Step u011 = plan.steps().get(0);
        // the LOCK TABLE, then per tenant table its four policies and its default
        assertThat(u011.statements()).hasSize(1 + 8 * 5 + 1).allMatch(s -> s.risk() == Risk.NONE);
        assertThat(u011.statements().get(0).sql()).startsWith("LOCK TABLE trades, positions");
        assertThat(u011.statements()).filteredOn(s -> s.sql().startsWith("ALTER POLICY")).hasSize(32);
        assertThat(u011.locks()).extracting(PlanResult.Lock::object).containsAll(AlphaPulseSchema.TENANT_TABLES);
        PlanResult.Step u010 = plan.steps().get(1);
        assertThat(u010.statements()).allMatch(s -> s.risk() == Risk.NONE);
        assertThat(u010.statements()).filteredOn(s -> s.sql().startsWith("LOCK TABLE")).singleElement()
                .satisfies(s -> assertThat(s.locks()).extracting(PlanResult.Lock::mode).containsOnly("ACCESS EXCLUSIVE"));
        assertThat(u010.locks()).extracting(PlanResult.Lock::object).doesNotContain("tenants", "agent_signals");
        // the global key's index is built concurrently (before the undo's locks), then attached under them
        assertThat(u010.statements()).filteredOn(s -> s.sql().startsWith("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_trades_trade_id"))
                .singleElement().satisfies(s -> assertThat(s.locks()).containsOnly(new PlanResult.Lock("trades", "SHARE UPDATE EXCLUSIVE")));
        assertThat(u010.statements()).filteredOn(s -> s.sql().contains("ADD CONSTRAINT uq_trades_trade_id UNIQUE USING INDEX"))
                .singleElement().satisfies(s -> assertThat(s.locks()).contains(new PlanResult.Lock("trades", "ACCESS EXCLUSIVE")));
        PlanResult.Step u009 = plan.steps().get(2);
        // the LOCK TABLE that takes every lock up front, children before parents, then the 16 drops
        assertThat(u009.statements()).hasSize(17).allMatch(s -> s.risk() == Risk.NONE);
        assertThat(u009.statements().get(0).sql()).startsWith("LOCK TABLE trades, positions");
        assertThat(u009.locks()).extracting(PlanResult.Lock::mode).containsOnly("ACCESS EXCLUSIVE");
        assertThat(u009.locks()).extracting(PlanResult.Lock::object).containsAll(AlphaPulseSchema.TENANT_TABLES);
        assertThat(plan.steps().get(3).statements()).filteredOn(s -> s.sql().startsWith("DROP POLICY")).hasSize(32);

        long trades = count(DB, "SELECT count(*) FROM public.trades");
        assertThat(plan.steps().get(4).dataLoss()).hasSize(7)
                .contains("trades.tenant_id: " + String.format(java.util.Locale.US, "%,d", trades) + " values across 3 tenants");
        assertThat(plan.steps().get(4).statements()).filteredOn(s -> s.risk() != Risk.NONE).allMatch(PlanResult.Statement::archivable);
        assertThat(plan.steps().get(5).dataLoss())
                .containsExactly("users.tenant_id: " + count(DB, "SELECT count(*) FROM public.users") + " values across 3 tenants");
        assertThat(plan.steps().get(6).dataLoss()).containsExactly("tenants: 4 rows");
        // U007 drops the domain tables' foreign keys to tenants, which locks tenants exclusively as well.
        assertThat(plan.steps().get(4).locks()).contains(new PlanResult.Lock("tenants", "ACCESS EXCLUSIVE"));

        List<PlanResult.Statement> u006 = plan.steps().get(5).statements();
        assertThat(u006.get(0).sql()).isEqualTo("LOCK TABLE users IN ACCESS EXCLUSIVE MODE");
        assertThat(u006.get(0).locks()).containsExactly(new PlanResult.Lock("users", "ACCESS EXCLUSIVE"));
        assertThat(u006).filteredOn(s -> s.sql().contains("DROP CONSTRAINT IF EXISTS fk_users_tenant")).singleElement()
                .satisfies(s -> assertThat(s.locks()).containsExactly(new PlanResult.Lock("users", "ACCESS EXCLUSIVE"),
                        new PlanResult.Lock("tenants", "ACCESS EXCLUSIVE")));
    }

    @Test
    @DisplayName("rolling back 008 alone (or stopping at 006) warns SECURITY naming the tables left without RLS; rolling back 010 "
            + "warns SECURITY naming the foreign keys that no longer carry the tenant; stopping at 010 or at 005 warns nothing")
    void security_warnings() {
        assertThat(engine.plan("010").warnings()).isEmpty();
        String keys = "the foreign key(s) audit_logs.fk_audit_logs_user_id, portfolio_snapshots.fk_portfolio_snapshots_account_id, "
                + "positions.fk_positions_account_id, risk_metrics.fk_risk_metrics_account_id, trades.fk_trades_account_id, "
                + "trades.fk_trades_position_id between tenant tables do not carry tenant_id, so cross-tenant references are possible again";
        assertThat(engine.plan("009").warnings()).singleElement().asString().startsWith("SECURITY: at 009 " + keys);
        assertThat(engine.plan("008").warnings()).singleElement().asString().startsWith("SECURITY: at 008 " + keys);
        assertThat(engine.plan("-4").warnings()).hasSize(2).first().asString()
                .startsWith("SECURITY: at 007").contains(String.join(", ", AlphaPulseSchema.TENANT_TABLES.stream().sorted().toList()));
        assertThat(engine.plan("006").warnings()).singleElement().asString()
                .startsWith("SECURITY: at 006 the tenant table(s) users carry tenant_id");
        assertThat(engine.plan("005").warnings()).isEmpty();
    }

    @Test
    @DisplayName("below 002 the domain tables themselves are dropped: HIGH risk, every row archived; without the archive the "
            + "downgrade is refused")
    void plan_to_base() {
        PlanResult plan = engine.plan("base");
        assertThat(plan.toVersion().label()).isEqualTo("base");
        assertThat(plan.steps()).hasSize(9);
        assertThat(plan.risk()).isEqualTo(Risk.HIGH);
        assertThat(plan.unrecoverableRisk(true)).isEqualTo(Risk.NONE);
        assertThat(plan.unrecoverableRisk(false)).isEqualTo(Risk.HIGH);
        assertThat(plan.steps().get(7).dataLoss()).contains("trades: " + String.format(java.util.Locale.US, "%,d",
                count(DB, "SELECT count(*) FROM public.trades")) + " rows");
        assertThat(plan.steps().get(7).statements()).filteredOn(s -> s.risk() != Risk.NONE).isNotEmpty()
                .allMatch(PlanResult.Statement::archivable);
        assertThat(Fixtures.failure(() -> engine.downgrade("base", DowngradeOptions.defaults().withArchive(false))).code())
                .isEqualTo(MigrationException.Code.DATA_LOSS_REFUSED);
    }

    @Test
    @DisplayName("without archiving, a downgrade losing data is refused with DATA_LOSS_REFUSED before anything runs")
    void data_loss_refused() {
        Fixtures.State before = Fixtures.state(DB);
        MigrationException e = Fixtures.failure(() -> engine.downgrade("006", new DowngradeOptions(false, false)));
        assertThat(e.code()).isEqualTo(MigrationException.Code.DATA_LOSS_REFUSED);
        assertThat(e.getMessage()).contains("trades.tenant_id").contains("risk MEDIUM");
        Fixtures.assertUnchanged(DB, before);
    }

    @Test
    @DisplayName("two tenants sharing an email: plan shows the blocker with its count, downgrade through 006 refuses with PRECONDITION_FAILED and changes nothing")
    void shared_email_blocks_undo_of_006() {
        Database db = Fixtures.database("plan_shared_email");
        try {
            MigrationEngine e = Fixtures.engine(db);
            e.upgrade("head");
            AlphaPulseRows.load(db, 3, 1000);
            // The same two addresses in every tenant: fine at head, a blocker for the global unique email of 005.
            Fixtures.exec(db, "UPDATE public.users SET email = 'shared' || right(username, 1) || '@demo.example' WHERE username ~ '-user-[12]$'");
            PlanResult plan = e.plan("005");
            assertThat(plan.blocked()).isTrue();
            assertThat(plan.blockers()).singleElement().asString()
                    .contains("uq_users_email UNIQUE (email) on users")
                    .contains("2 email value(s) are shared by 6 rows across 3 tenants");
            assertThat(e.plan("006").blockers()).isEmpty();
            Fixtures.State before = Fixtures.state(db);
            MigrationException refused = Fixtures.failure(() -> e.downgrade("002", DowngradeOptions.defaults()));
            assertThat(refused.code()).isEqualTo(MigrationException.Code.PRECONDITION_FAILED);
            assertThat(refused.getMessage()).contains("2 email value(s)");
            Fixtures.assertUnchanged(db, before);
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("accepting the loss without an archive runs, and re-applying falls back to the default-tenant backfill")
    void accepted_loss_without_archive_backfills_default_tenant() {
        Database db = Fixtures.database("plan_no_archive");
        try {
            MigrationEngine e = Fixtures.engine(db);
            e.upgrade("head");
            AlphaPulseRows.load(db, 2, 250);
            DowngradeResult down = e.downgrade("002", new DowngradeOptions(false, true));
            assertThat(down.rowsArchived()).isZero();
            assertThat(e.status().pendingRestores()).isEmpty();
            UpgradeResult up = e.upgrade("head");
            assertThat(up.rowsRestored()).isZero();
            assertThat(count(db, "SELECT count(*) FROM public.tenants")).isEqualTo(1);
            for (String t : AlphaPulseSchema.TENANT_TABLES) {
                assertThat(count(db, "SELECT count(DISTINCT tenant_id) FROM public." + t)).as(t).isEqualTo(1);
            }
        } finally {
            Fixtures.drop(db);
        }
    }
}
