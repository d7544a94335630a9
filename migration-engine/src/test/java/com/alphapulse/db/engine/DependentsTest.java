package com.alphapulse.db.engine;

import static com.alphapulse.db.engine.Fixtures.exec;
import static com.alphapulse.db.engine.Fixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.testing.AlphaPulseRows;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The plan knows dependents: views, materialized views and other tables' foreign keys that depend on what an
 * undo drops are named as blockers, and the downgrade is refused before anything changes; what the undo
 * scripts drop themselves earlier (foreign keys, child tables) is never reported.
 */
class DependentsTest {

    static final Database DB = Fixtures.database("dependents");
    static MigrationEngine engine;

    @BeforeAll
    static void headWithData() {
        engine = Fixtures.engine(DB);
        engine.upgrade("head");
        AlphaPulseRows.load(DB, 2, 250);
    }

    @AfterEach
    void dropDependents() {
        exec(DB, "DROP VIEW IF EXISTS public.reporting_trades", "DROP VIEW IF EXISTS public.trade_symbols",
                "DROP MATERIALIZED VIEW IF EXISTS public.position_totals", "DROP TABLE IF EXISTS public.trade_notes",
                "DROP TABLE IF EXISTS public.tenant_notes", "DROP VIEW IF EXISTS public.symbols_a",
                "DROP VIEW IF EXISTS public.symbols_b");
    }

    @AfterAll
    static void dropDatabase() {
        Fixtures.drop(DB);
    }

    @Test
    @DisplayName("with no object of our own, no plan down to base has a blocker: the undo scripts drop their own foreign keys and children first")
    void own_objects_are_not_dependents() {
        assertThat(engine.plan("base").blockers()).isEmpty();
        assertThat(engine.plan("002").blockers()).isEmpty();
    }

    @Test
    @DisplayName("a reporting view on trades.tenant_id: plan 002 names it as a blocker of the undo of 007; downgrade is refused with PRECONDITION_FAILED and nothing changes")
    void view_on_a_dropped_column_blocks() {
        exec(DB, "CREATE VIEW reporting_trades AS SELECT tenant_id, count(*) FROM trades GROUP BY 1");
        PlanResult plan = engine.plan("002");
        assertThat(plan.blocked()).isTrue();
        assertThat(plan.blockers()).singleElement().asString()
                .startsWith("undo of 007 drops column trades.tenant_id, but view public.reporting_trades depends on it");

        Fixtures.State before = Fixtures.state(DB);
        MigrationException refused = failure(() -> engine.downgrade("002", DowngradeOptions.defaults()));
        assertThat(refused.code()).isEqualTo(MigrationException.Code.PRECONDITION_FAILED);
        assertThat(refused.getMessage()).contains("view public.reporting_trades").contains("nothing was changed");
        Fixtures.assertUnchanged(DB, before);
        assertThat(engine.status().currentVersion().label()).isEqualTo("011");

        assertThat(engine.plan("007").blockers()).as("undoing 011 down to 008 drops nothing the view reads").isEmpty();
    }

    @Test
    @DisplayName("a view is a dependent of the columns it reads: one on trades.symbol does not block undoing 007, but blocks dropping trades (undo of 002)")
    void column_level_dependency() {
        exec(DB, "CREATE VIEW trade_symbols AS SELECT DISTINCT symbol FROM trades");
        assertThat(engine.plan("002").blockers()).isEmpty();
        assertThat(engine.plan("001").blockers()).singleElement().asString()
                .startsWith("undo of 002 drops table trades, but view public.trade_symbols depends on it");
    }

    @Test
    @DisplayName("a materialized view on positions and a user table's foreign key to trades block the undo of 002, each named with its kind")
    void matview_and_foreign_key_block_a_table_drop() {
        exec(DB, "CREATE MATERIALIZED VIEW position_totals AS SELECT account_id, count(*) AS n FROM positions GROUP BY 1",
                "CREATE TABLE trade_notes (id bigserial PRIMARY KEY, trade_id integer NOT NULL REFERENCES trades (id), body text)");
        PlanResult plan = engine.plan("001");
        assertThat(plan.blockers()).hasSize(2);
        assertThat(plan.blockers()).anySatisfy(b -> assertThat(b)
                .startsWith("undo of 002 drops table trades, but foreign key trade_notes_trade_id_fkey on public.trade_notes depends on it"));
        assertThat(plan.blockers()).anySatisfy(b -> assertThat(b)
                .startsWith("undo of 002 drops table positions, but materialized view public.position_totals depends on it"));

        Fixtures.State before = Fixtures.state(DB);
        // Refused for the dependents even though the loss itself is accepted.
        MigrationException refused = failure(() -> engine.downgrade("001", new DowngradeOptions(false, true)));
        assertThat(refused.code()).isEqualTo(MigrationException.Code.PRECONDITION_FAILED);
        assertThat(refused.getMessage()).contains("trade_notes_trade_id_fkey").contains("public.position_totals");
        Fixtures.assertUnchanged(DB, before);
    }

    @Test
    @DisplayName("a user table's foreign key to tenants blocks the undo of 005 (its own foreign keys to tenants, dropped by 006 and 007, do not)")
    void foreign_key_to_a_table_an_undo_drops() {
        exec(DB, "CREATE TABLE tenant_notes (id bigserial PRIMARY KEY, tenant_id uuid REFERENCES tenants (id), body text)");
        assertThat(engine.plan("005").blockers()).isEmpty();
        assertThat(engine.plan("002").blockers()).singleElement().asString()
                .startsWith("undo of 005 drops table tenants, but foreign key tenant_notes_tenant_id_fkey on public.tenant_notes depends on it");
        Fixtures.State before = Fixtures.state(DB);
        assertThat(failure(() -> engine.downgrade("002", DowngradeOptions.defaults())).code())
                .isEqualTo(MigrationException.Code.PRECONDITION_FAILED);
        Fixtures.assertUnchanged(DB, before);
    }

    @Test
    @DisplayName("a drop the plan cannot see (inside EXECUTE) still fails, and the error keeps PostgreSQL's DETAIL naming the views and its HINT")
    void error_keeps_detail_and_hint() {
        exec(DB, "CREATE VIEW symbols_a AS SELECT symbol FROM trades", "CREATE VIEW symbols_b AS SELECT symbol FROM trades");
        // appended to the undo of the head version, the one downgrade -1 runs
        int head = AlphaPulseSchema.migrations().head().number();
        String undo = AlphaPulseSchema.migrations().head().undoSql();
        MigrationEngine hidden = Fixtures.config(DB).undoScriptSource(v -> Optional.of(v.number() == head
                ? undo + "\nDO $$ BEGIN EXECUTE 'ALTER TABLE public.trades DROP COLUMN symbol'; END $$;" : v.undoSql())).load();
        assertThat(hidden.plan("-1").blockers()).isEmpty();
        Fixtures.State before = Fixtures.state(DB);
        // The plan cannot read the EXECUTE, so it is data loss it cannot tell: refused unless accepted.
        assertThat(failure(() -> hidden.downgrade("-1", DowngradeOptions.defaults())).code())
                .isEqualTo(MigrationException.Code.DATA_LOSS_REFUSED);
        MigrationException e = failure(() -> hidden.downgrade("-1", DowngradeOptions.defaults().withAcceptDataLoss(true)));
        assertThat(e.code()).isEqualTo(MigrationException.Code.FAILED);
        assertThat(e.getMessage())
                .contains("cannot drop column symbol of table trades because other objects depend on it")
                .contains("(detail: view symbols_a depends on column symbol of table trades; "
                        + "view symbols_b depends on column symbol of table trades)")
                .contains("(hint: Use DROP ... CASCADE to drop the dependent objects too.)")
                .contains("[SQLSTATE 2BP01]");
        Fixtures.assertUnchanged(DB, before);
    }
}
