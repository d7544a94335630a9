package com.alphapulse.db.engine;

import static com.alphapulse.db.engine.Fixtures.count;
import static com.alphapulse.db.engine.Fixtures.exec;
import static com.alphapulse.db.engine.Fixtures.strings;
import static com.alphapulse.db.engine.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.testing.AlphaPulseRows;
import com.alphapulse.db.testing.OwnerDatabase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The checks that run before anything changes, on every tenant's rows: the upgrade's foreign-key preflight
 * (rows whose tenant differs from their parent's before 010) and the downgrade's unique-key precondition
 * (values two tenants share before U010 restores the global keys), as a superuser and as the production
 * migration role, which owns the tables but is filtered by FORCE ROW LEVEL SECURITY.
 */
class PreflightTest {

    /** Trades of the second tenant moved onto an account of the first: what 010's composite keys forbid. */
    private static final String CROSS_TENANT = "UPDATE public.trades SET account_id = (SELECT min(a.id) FROM public.trading_accounts a "
            + "JOIN public.tenants t ON t.id = a.tenant_id WHERE t.slug LIKE '%-1'), position_id = NULL "
            + "WHERE id IN (SELECT tr.id FROM public.trades tr JOIN public.tenants t ON t.id = tr.tenant_id WHERE t.slug LIKE '%-2' "
            + "ORDER BY tr.id LIMIT 7)";
    private static final String MOVED = "SELECT tr.id FROM public.trades tr JOIN public.trading_accounts a ON a.id = tr.account_id "
            + "WHERE a.tenant_id <> tr.tenant_id ORDER BY tr.id";
    /** A trade_id of the first tenant given to a trade of the second: legal at 010, impossible to make globally unique. */
    private static final String SHARED_TRADE_ID = "UPDATE public.trades SET trade_id = (SELECT min(tr.trade_id) FROM public.trades tr "
            + "JOIN public.tenants t ON t.id = tr.tenant_id WHERE t.slug LIKE '%-1') WHERE id = (SELECT min(tr.id) FROM public.trades tr "
            + "JOIN public.tenants t ON t.id = tr.tenant_id WHERE t.slug LIKE '%-2')";

    @Test
    @DisplayName("009 -> head with trades pointing at another tenant's account: refused before Flyway runs, naming version, "
            + "constraint, table, count and the first 5 ids; catalog, history and data unchanged")
    void cross_tenant_rows_refuse_the_upgrade_to_010_before_anything_runs() {
        Database db = Fixtures.database("preflight");
        try {
            MigrationEngine engine = Fixtures.engine(db);
            engine.upgrade("009");
            AlphaPulseRows.load(db, 2, 30);
            exec(db, CROSS_TENANT);
            List<String> moved = strings(db, MOVED);
            assertThat(moved).hasSize(7);
            Fixtures.State before = Fixtures.state(db);

            MigrationException e = Fixtures.failure(() -> engine.upgrade("head"));

            assertThat(e.code()).isEqualTo(MigrationException.Code.PRECONDITION_FAILED);
            assertThat(e.getMessage()).contains("upgrade 009 -> 011 refused before it started",
                    "version 010 adds fk_trades_trading_accounts_tenant FOREIGN KEY (tenant_id, account_id) REFERENCES "
                            + "trading_accounts(tenant_id, id) on trades, but 7 row(s) of trades have no matching row in trading_accounts "
                            + "(sample id: " + String.join(", ", moved.subList(0, 5)) + ")",
                    "the row's tenant differs from its parent's", "nothing was changed");
            // the other keys hold: only the broken one is named
            assertThat(e.getMessage()).doesNotContain("fk_positions_trading_accounts_tenant", "fk_audit_logs_users_tenant");
            Fixtures.assertUnchanged(db, before);

            // once the rows are put right the same upgrade goes through
            exec(db, "UPDATE public.trades tr SET account_id = (SELECT min(a.id) FROM public.trading_accounts a WHERE a.tenant_id = tr.tenant_id) "
                    + "WHERE tr.id IN (" + String.join(", ", moved) + ")");
            assertThat(engine.upgrade("head").toVersion().label()).isEqualTo("011");
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("002 -> head skips the keys whose columns 007 adds (tenant_id is derived from the parents there), and goes through")
    void from_002_the_keys_of_010_are_not_checked_before_007_has_added_their_columns() {
        Database db = Fixtures.database("preflight_002");
        try {
            MigrationEngine engine = Fixtures.engine(db);
            engine.upgrade("002");
            exec(db, "INSERT INTO public.trading_accounts (account_id, account_number, exchange_name, account_type) VALUES ('A', 'n', 'x', 'spot')",
                    "INSERT INTO public.trades (trade_id, account_id, symbol, side, trade_type, quantity, price, gross_value, net_value, "
                            + "executed_at) VALUES ('T', 1, 'BTC/USDT', 'buy', 'market', 1, 1, 1, 1, now())");
            assertThat(engine.upgrade("head").toVersion().label()).isEqualTo("011");
            assertThat(count(db, "SELECT count(*) FROM public.trades t JOIN public.trading_accounts a ON a.id = t.account_id "
                    + "AND a.tenant_id = t.tenant_id")).isOne();
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("head -> 009 with a trade_id two tenants share: plan shows the blocker with the count, downgrade refused, nothing changed")
    void a_value_two_tenants_share_refuses_the_undo_of_010_with_the_count() {
        Database db = Fixtures.database("preflight_u010");
        try {
            MigrationEngine engine = Fixtures.engine(db);
            engine.upgrade("head");
            AlphaPulseRows.load(db, 2, 30);
            exec(db, SHARED_TRADE_ID);
            Fixtures.State before = Fixtures.state(db);

            PlanResult plan = engine.plan("009");
            assertThat(plan.blockers()).hasSize(1).first().asString().contains("undo of 010 re-creates uq_trades_trade_id UNIQUE "
                    + "(trade_id) on trades, but 1 trade_id value(s) are shared by 2 rows across 2 tenants");
            MigrationException e = Fixtures.failure(() -> engine.downgrade("009", DowngradeOptions.defaults()));
            assertThat(e.code()).isEqualTo(MigrationException.Code.PRECONDITION_FAILED);
            assertThat(e.getMessage()).contains("refused before it started", "uq_trades_trade_id", "1 trade_id value(s)",
                    "nothing was changed");
            Fixtures.assertUnchanged(db, before);
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("as the production migration role (owner, FORCE RLS, member of rls_bypass_role): the checks count every tenant; "
            + "without the membership they are refused INSUFFICIENT_PRIVILEGE instead of counting one tenant or none")
    void as_a_filtered_owner_the_checks_see_every_tenant_or_refuse() {
        OwnerDatabase owner = OwnerDatabase.create("preflight_owner");
        try {
            owner.asAdmin("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rls_bypass_role') THEN "
                    + "BEGIN CREATE ROLE rls_bypass_role NOLOGIN BYPASSRLS; EXCEPTION WHEN duplicate_object OR unique_violation THEN "
                    + "NULL; END; END IF; END $$");
            owner.asAdmin("GRANT rls_bypass_role TO " + owner.role());
            MigrationEngine engine = MigrationEngine.configure().dataSource(owner.dataSource()).reason(Fixtures.REASON)
                    .lockTimeout(Duration.ofSeconds(2)).retryBackoff(Duration.ofMillis(100)).load();
            engine.upgrade("009");
            AlphaPulseRows.load(owner.db(), 3, 20);
            assertThat(text(owner.db(), "SELECT relforcerowsecurity FROM pg_class WHERE oid = 'public.users'::regclass")).isEqualTo("t");

            // 006's duplicate-email check and the counts of what the undo drops see all three tenants
            PlanResult clean = engine.plan("002");
            assertThat(clean.blockers()).isEmpty();
            assertThat(clean.steps().get(2).dataLoss()).contains("trades.tenant_id: "
                    + count(owner.db(), "SELECT count(*) FROM public.trades") + " values across 3 tenants");
            exec(owner.db(), "UPDATE public.users SET email = (SELECT min(u.email) FROM public.users u JOIN public.tenants t ON t.id = u.tenant_id "
                    + "WHERE t.slug LIKE '%-1') WHERE id = (SELECT min(u.id) FROM public.users u JOIN public.tenants t ON t.id = u.tenant_id "
                    + "WHERE t.slug LIKE '%-3')");
            assertThat(engine.plan("002").blockers()).hasSize(1).first().asString()
                    .contains("uq_users_email UNIQUE (email) on users, but 1 email value(s) are shared by 2 rows across 2 tenants");
            exec(owner.db(), "UPDATE public.users SET email = 'fixed@x.example' WHERE id = (SELECT min(u.id) FROM public.users u "
                    + "JOIN public.tenants t ON t.id = u.tenant_id WHERE t.slug LIKE '%-3')");

            // the upgrade's preflight counts the other tenants' rows too
            exec(owner.db(), CROSS_TENANT);
            MigrationException refused = Fixtures.failure(() -> engine.upgrade("head"));
            assertThat(refused.code()).isEqualTo(MigrationException.Code.PRECONDITION_FAILED);
            assertThat(refused.getMessage()).contains("7 row(s) of trades have no matching row in trading_accounts");

            owner.asAdmin("REVOKE rls_bypass_role FROM " + owner.role());
            MigrationException denied = Fixtures.failure(() -> engine.upgrade("head"));
            assertThat(denied.code()).isEqualTo(MigrationException.Code.INSUFFICIENT_PRIVILEGE);
            assertThat(denied.getMessage()).contains("GRANT rls_bypass_role TO " + owner.role());
            assertThat(Fixtures.failure(() -> engine.plan("002")).code()).isEqualTo(MigrationException.Code.INSUFFICIENT_PRIVILEGE);
            assertThat(text(owner.db(), "SELECT max(version) FROM public.flyway_schema_history")).isEqualTo("009");

            // with the membership back and the rows put right, the owner migrates to head, where plan 002 counts every
            // tenant too (the policies of 011 would raise AP001 on an unscoped count; the bypass role never evaluates them)
            owner.asAdmin("GRANT rls_bypass_role TO " + owner.role());
            exec(owner.db(), "UPDATE public.trades tr SET account_id = (SELECT min(a.id) FROM public.trading_accounts a "
                    + "WHERE a.tenant_id = tr.tenant_id) WHERE tr.id IN (" + String.join(", ", strings(owner.db(), MOVED)) + ")");
            assertThat(engine.upgrade("head").toVersion().label()).isEqualTo("011");
            PlanResult atHead = engine.plan("002");
            assertThat(atHead.blockers()).isEmpty();
            assertThat(atHead.steps().get(4).dataLoss()).contains("trades.tenant_id: "
                    + count(owner.db(), "SELECT count(*) FROM public.trades") + " values across 3 tenants");
        } finally {
            Fixtures.drop(owner.db());
            try (java.sql.Connection c = com.alphapulse.db.postgres.PostgresProvider.shared().adminDatabase().connect();
                    java.sql.Statement st = c.createStatement()) {
                st.execute("DROP ROLE IF EXISTS " + owner.role());
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
