package com.alphapulse.db.engine;

import static com.alphapulse.db.engine.Fixtures.count;
import static com.alphapulse.db.engine.Fixtures.exec;
import static com.alphapulse.db.engine.Fixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.engine.MigrationException.Code;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.testing.AlphaPulseRows;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * How Flyway 13 runs the engine's callback relative to each migration's transaction, and what that buys:
 * the restore, the archive's retirement, the journal entry and Flyway's history row commit or roll back
 * together.
 */
class RestoreCallbackTest {

    @Test
    @DisplayName("each transactional version's history row and journal entry are written by the same transaction; 007 and 010 (online) and 009 (CONCURRENTLY) run in autocommit")
    void journal_and_history_share_the_migration_transaction() {
        Database db = Fixtures.database("callback_tx");
        try {
            Fixtures.engine(db).upgrade("head");
            List<String> rows = Fixtures.strings(db, "SELECT j.version || ' ' || (h.xmin::text = j.xmin::text) "
                    + "FROM alphapulse_migration.journal j JOIN public.flyway_schema_history h ON h.version = j.version "
                    + "ORDER BY j.id");
            assertThat(rows).containsExactly("001 true", "002 true", "005 true", "006 true", "007 false", "008 true", "009 false", "010 false", "011 true");
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("a restore that fails rolls its version back with it: no history row, no table, archive kept, journaled FAILED")
    void failed_restore_rolls_the_version_back() {
        Database db = Fixtures.database("callback_rollback");
        try {
            MigrationEngine engine = Fixtures.engine(db);
            engine.upgrade("005");
            exec(db, "INSERT INTO public.tenants (name, slug, subscription_tier) VALUES ('Acme', 'acme', 'enterprise')");
            engine.downgrade("002", DowngradeOptions.defaults());
            assertThat(count(db, "SELECT count(*) FROM alphapulse_migration.archive_rows WHERE table_name = 'tenants'")).isEqualTo(2);
            // An archived row the restore cannot write back (slug is NOT NULL).
            exec(db, "UPDATE alphapulse_migration.archive_rows SET row_data = row_data - 'slug' WHERE row_data->>'slug' = 'acme'");

            MigrationException e = failure(() -> engine.upgrade("head"));
            assertThat(e.code()).isEqualTo(Code.FAILED);
            assertThat(e.getMessage()).contains("upgrade of 005 was rolled back").contains("stays at 002").contains("slug");
            assertThat(engine.status().currentVersion().label()).isEqualTo("002");
            assertThat(count(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'tenants'")).isZero();
            assertThat(count(db, "SELECT count(*) FROM alphapulse_migration.archive_rows WHERE table_name = 'tenants'")).isEqualTo(2);
            assertThat(engine.history().entries()).last().satisfies(last -> {
                assertThat(last.direction()).isEqualTo(Direction.UP);
                assertThat(last.version()).isEqualTo("005");
                assertThat(last.outcome()).isEqualTo(Outcome.FAILED);
            });

            exec(db, "UPDATE alphapulse_migration.archive_rows SET row_data = row_data || '{\"slug\": \"acme\"}' "
                    + "WHERE NOT row_data ? 'slug'");
            assertThat(engine.upgrade("head").rowsRestored()).isEqualTo(2);
            assertThat(Fixtures.text(db, "SELECT name FROM public.tenants WHERE slug = 'acme'")).isEqualTo("Acme");
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("versions applied by plain Flyway after a downgrade leave their archive stranded, and status says so")
    void plain_flyway_leaves_a_stranded_archive() {
        Database db = Fixtures.database("callback_stranded");
        try {
            MigrationEngine engine = Fixtures.engine(db);
            engine.upgrade("head");
            AlphaPulseRows.load(db, 2, 250);
            engine.downgrade("006", DowngradeOptions.defaults());
            assertThat(Fixtures.flyway(db).load().migrate().migrationsExecuted).isEqualTo(5);
            StatusResult status = engine.status();
            assertThat(status.currentVersion().label()).isEqualTo("011");
            assertThat(status.catalog().matchesRecorded()).isTrue();
            assertThat(status.pendingRestores()).isNotEmpty().allSatisfy(p -> {
                assertThat(p.version()).isEqualTo("007");
                assertThat(p.stranded()).isTrue();
            });
            assertThat(status.pendingRestores()).extracting(StatusResult.PendingRestore::table)
                    .containsExactly("agent_signals", "audit_logs", "portfolio_snapshots", "positions", "risk_metrics", "trades",
                            "trading_accounts");
        } finally {
            Fixtures.drop(db);
        }
    }
}
