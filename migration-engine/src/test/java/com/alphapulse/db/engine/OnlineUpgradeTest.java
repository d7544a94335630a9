package com.alphapulse.db.engine;

import static com.alphapulse.db.engine.Fixtures.count;
import static com.alphapulse.db.engine.Fixtures.exec;
import static com.alphapulse.db.engine.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.testing.AlphaPulseRows;
import com.alphapulse.db.verification.Verifier;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * V007 runs online: a kill in each of its phases (expand, restore, backfill, validate, concurrent index build)
 * leaves a visible, resumable in-progress state with row-level security still off, and the next upgrade
 * carries on to an exact end state.
 */
class OnlineUpgradeTest {

    private static final String TENANT_ID_OF_ACCOUNT = "SELECT count(*) FROM public.%s c JOIN public.trading_accounts a "
            + "ON a.id = c.account_id WHERE c.tenant_id IS DISTINCT FROM a.tenant_id";

    @Test
    @DisplayName("killed in every online phase of 007, the upgrade resumes each time and ends exactly where an uninterrupted one would")
    void killed_in_every_phase_then_resumed() throws Exception {
        Database db = Fixtures.database("online_kill");
        try {
            Fixtures.engine(db).upgrade("head");
            AlphaPulseRows.load(db, 3, 8000);
            Map<String, String> before = Fixtures.tenantChecksums(db, null);
            Fixtures.engine(db).downgrade("006", DowngradeOptions.defaults());
            // Without their archive, positions get the backfill (their account's tenant), which is what they had.
            exec(db, "DELETE FROM alphapulse_migration.archive_columns WHERE table_name = 'positions'");

            // restore: killed after the first batch of trades' archived tenant_ids went back
            killedAt(db, line -> line.contains("restore trades.tenant_id: ") && !line.contains("done in"));
            StatusResult.InProgress p = inProgress(db, "restore trades.tenant_id");
            assertThat(p.rowsDone()).isPositive().isLessThan(p.rowsTotal());

            // expand: killed as it is about to add positions.tenant_id
            killedAt(db, line -> line.contains("ALTER TABLE positions ADD COLUMN IF NOT EXISTS tenant_id"));
            inProgress(db, "ALTER TABLE positions ADD COLUMN IF NOT EXISTS tenant_id");

            // backfill: killed after positions' first batch; the next run resumes after its last key
            killedAt(db, line -> line.contains("backfill positions: ") && !line.contains("done in"));
            p = inProgress(db, "backfill positions");
            assertThat(p.rowsDone()).isPositive().isLessThan(p.rowsTotal());
            long filled = count(db, "SELECT count(*) FROM public.positions WHERE tenant_id IS NOT NULL");
            assertThat(filled).isPositive().isLessThan(count(db, "SELECT count(*) FROM public.positions"));

            // validate
            killedAt(db, line -> line.contains("ALTER TABLE trades VALIDATE CONSTRAINT chk_trades_tenant_id_not_null"));
            inProgress(db, "ALTER TABLE trades VALIDATE CONSTRAINT chk_trades_tenant_id_not_null");

            // a concurrent index build, killed while it waits for an older snapshot: an INVALID index stays
            try (Connection old = db.connect()) {
                old.setAutoCommit(false);
                old.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                old.createStatement().execute("SELECT count(*) FROM public.roles");
                MigrationEngine engine = config(db, new CopyOnWriteArrayList<>()).load();
                CompletableFuture<UpgradeResult> run = CompletableFuture.supplyAsync(() -> engine.upgrade("head"));
                int pid = waitFor(db, run, "SELECT pid FROM pg_stat_progress_create_index WHERE relid = 'public.trades'::regclass "
                        + "AND phase LIKE 'waiting for%'");
                exec(db, "SELECT pg_terminate_backend(" + pid + ")");
                assertThat(catchThrowable(run::join)).isNotNull();
                old.rollback();
            }
            assertThat(count(db, "SELECT count(*) FROM pg_index WHERE indexrelid = to_regclass('public.idx_trades_tenant_id') "
                    + "AND NOT indisvalid")).isEqualTo(1);
            inProgress(db, "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_trades_tenant_id");

            List<String> lines = new CopyOnWriteArrayList<>();
            // to 009, the version the checks below describe: 010 and 011 add nothing to 007's resume
            UpgradeResult done = config(db, lines).load().upgrade("009");
            assertThat(done.toVersion().label()).isEqualTo("009");
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("dropped INVALID index idx_trades_tenant_id"));
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("resuming backfill positions after id ="));
            assertThat(Verifier.on(db.dataSource()).verify(AlphaPulseSchema.migrations().version("9")).errors()).isEmpty();
            assertThat(Fixtures.tenantChecksums(db, null)).as("every tenant_id restored or derived exactly").isEqualTo(before);
            assertThat(count(db, "SELECT count(*) FROM alphapulse_migration.online_progress")).isZero();
            assertThat(count(db, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'alphapulse_v007%'")).isZero();
            assertThat(count(db, "SELECT count(*) FROM pg_proc WHERE proname LIKE 'alphapulse_v007%'")).isZero();
            assertThat(Fixtures.engine(db).status().inProgress()).isEmpty();
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("killed in every kind of statement of 010 (concurrent unique build, attach, NOT VALID key, VALIDATE, drop), "
            + "including a build left INVALID, the upgrade resumes each time and ends at 011 with every row and tenant_id as before")
    void tenant_safe_keys_killed_in_every_kind_of_statement_then_resumed() throws Exception {
        Database db = Fixtures.database("online_kill_010");
        try {
            Fixtures.engine(db).upgrade("009");
            AlphaPulseRows.load(db, 3, 2000);
            Map<String, String> before = Fixtures.tenantChecksums(db, null);
            // the first unique build killed while it waits for an older snapshot: an INVALID index that IF NOT EXISTS would keep
            try (Connection old = db.connect()) {
                old.setAutoCommit(false);
                old.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                old.createStatement().execute("SELECT count(*) FROM public.roles");
                MigrationEngine engine = config(db, new CopyOnWriteArrayList<>()).load();
                CompletableFuture<UpgradeResult> run = CompletableFuture.supplyAsync(() -> engine.upgrade("head"));
                int pid = waitFor(db, run, "SELECT pid FROM pg_stat_progress_create_index WHERE relid = "
                        + "'public.trading_accounts'::regclass AND phase LIKE 'waiting for%'");
                exec(db, "SELECT pg_terminate_backend(" + pid + ")");
                assertThat(catchThrowable(run::join)).isNotNull();
                old.rollback();
            }
            assertThat(count(db, "SELECT count(*) FROM pg_index WHERE indexrelid = "
                    + "to_regclass('public.uq_trading_accounts_tenant_id_id') AND NOT indisvalid")).isEqualTo(1);
            List<String> resumed = killedInTenantKeysAt(db, "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_positions_tenant_id_id");
            assertThat(resumed).anySatisfy(l -> assertThat(l).contains("dropped INVALID index uq_trading_accounts_tenant_id_id"));
            for (String statement : List.of("ALTER TABLE positions ADD CONSTRAINT uq_positions_tenant_id_id UNIQUE USING INDEX",
                    "ALTER TABLE trades ADD CONSTRAINT fk_trades_positions_tenant",
                    "ALTER TABLE risk_metrics VALIDATE CONSTRAINT fk_risk_metrics_trading_accounts_tenant",
                    "ALTER TABLE trades DROP CONSTRAINT IF EXISTS fk_trades_position_id",
                    "ALTER TABLE users DROP CONSTRAINT IF EXISTS uq_users_username")) {
                killedInTenantKeysAt(db, statement);
            }

            List<String> lines = new CopyOnWriteArrayList<>();
            UpgradeResult done = config(db, lines).load().upgrade("head");
            assertThat(done.toVersion().label()).isEqualTo("011");
            assertThat(Verifier.on(db.dataSource()).verify(AlphaPulseSchema.migrations().head()).findings()).isEmpty();
            assertThat(Fixtures.tenantChecksums(db, null)).as("no row or tenant_id changed").isEqualTo(before);
            assertThat(count(db, "SELECT count(*) FROM alphapulse_migration.online_progress")).isZero();
        } finally {
            Fixtures.drop(db);
        }
    }

    /** Runs {@code upgrade head} from 009 and kills the engine's sessions as 010 is about to run {@code statement}. */
    private static List<String> killedInTenantKeysAt(Database db, String statement) {
        List<String> lines = new CopyOnWriteArrayList<>();
        boolean[] killed = {false};
        MigrationEngine engine = config(db, lines).progress(line -> {
            lines.add(line);
            if (!killed[0] && line.startsWith("  010 step ") && line.contains(statement)) {
                killed[0] = true;
                exec(db, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                        + "AND pid <> pg_backend_pid()");
            }
        }).load();
        Throwable t = catchThrowable(() -> engine.upgrade("head"));
        assertThat(killed[0]).as("reached %s: %s, %s", statement, lines, t).isTrue();
        assertThat(t).as("the killed run fails").isInstanceOf(MigrationException.class);
        assertThat(text(db, "SELECT max(version) FROM public.flyway_schema_history WHERE success")).isEqualTo("009");
        StatusResult status = Fixtures.engine(db).status();
        assertThat(status.inProgress()).hasValueSatisfying(p -> {
            assertThat(p.version().label()).isEqualTo("010");
            assertThat(p.phase()).contains(statement);
        });
        return lines;
    }

    @Test
    @DisplayName("rows the application writes while 007 runs get their tenant from the transitional triggers, and the column ends NOT NULL without them")
    void application_writes_during_the_transition_are_placed() throws Exception {
        Database db = Fixtures.database("online_writes");
        try {
            Fixtures.engine(db).upgrade("006");
            exec(db, "INSERT INTO public.trading_accounts (account_id, account_number, exchange_name, account_type, balance) "
                    + "VALUES ('acct-1', 'N1', 'binance', 'spot', 10)",
                    "INSERT INTO public.users (tenant_id, username, email, password_hash) "
                    + "VALUES ('00000000-0000-0000-0000-000000000001', 'u1', 'u1@x.test', 'h')");
            // The application inserts (without a tenant, as a 006 application does) right after the backfill of
            // trades started, and right after the not-null check of trades became enforced for new rows.
            List<String> lines = new CopyOnWriteArrayList<>();
            Predicate<String> insertAt = l -> l.contains("ALTER TABLE trades ADD CONSTRAINT chk_trades_tenant_id_not_null")
                    || l.contains("UPDATE audit_logs AS a SET tenant_id = u.tenant_id");
            config(db, lines).progress(line -> {
                lines.add(line);
                if (insertAt.test(line)) {
                    exec(db, "INSERT INTO public.trades (trade_id, account_id, symbol, side, trade_type, quantity, price, gross_value, "
                            + "net_value, executed_at) SELECT 't-' || count(*), (SELECT id FROM public.trading_accounts), 'BTC', 'buy', "
                            + "'market', 1, 1, 1, 1, now() FROM public.trades",
                            "INSERT INTO public.audit_logs (user_id, event_type, severity) SELECT id, 'login', 'info' FROM public.users",
                            "INSERT INTO public.audit_logs (event_type, severity) VALUES ('system', 'info')");
                }
            }).load().upgrade("007");
            assertThat(count(db, TENANT_ID_OF_ACCOUNT.formatted("trades"))).isZero();
            assertThat(count(db, "SELECT count(*) FROM public.trades")).isEqualTo(2);
            assertThat(count(db, "SELECT count(*) FROM public.audit_logs WHERE tenant_id = '00000000-0000-0000-0000-000000000001'"))
                    .isEqualTo(4);
            assertThat(text(db, "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.trades'::regclass AND attname = 'tenant_id'"))
                    .isEqualTo("t");
            assertThat(Verifier.on(db.dataSource()).verify(AlphaPulseSchema.migrations().version("7")).findings()).isEmpty();
        } finally {
            Fixtures.drop(db);
        }
    }

    /** Long lock timeouts and no retries, so a kill is the only thing that ends a run early. */
    private static EngineConfig config(Database db, List<String> lines) {
        return Fixtures.config(db).lockTimeout(Duration.ofSeconds(30)).lockRetries(0).progress(lines::add);
    }

    /** Runs {@code upgrade head} and kills every other session of the database when a progress line matches. */
    private static void killedAt(Database db, Predicate<String> when) {
        List<String> lines = new CopyOnWriteArrayList<>();
        boolean[] killed = {false};
        MigrationEngine engine = config(db, lines).progress(line -> {
            lines.add(line);
            if (!killed[0] && when.test(line)) {
                killed[0] = true;
                exec(db, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                        + "AND pid <> pg_backend_pid()");
            }
        }).load();
        Throwable t = catchThrowable(() -> engine.upgrade("head"));
        assertThat(killed[0]).as("the phase was reached: %s", lines).isTrue();
        assertThat(t).as("the killed run fails").isInstanceOf(MigrationException.class);
        assertThat(count(db, "SELECT count(*) FROM pg_class WHERE relrowsecurity")).as("008 has not run: no RLS yet").isZero();
        assertThat(text(db, "SELECT max(version) FROM public.flyway_schema_history WHERE success")).isEqualTo("006");
    }

    private static StatusResult.InProgress inProgress(Database db, String phase) {
        StatusResult status = Fixtures.engine(db).status();
        assertThat(status.inProgress()).isPresent();
        StatusResult.InProgress p = status.inProgress().get();
        assertThat(p.version().label()).isEqualTo("007");
        assertThat(p.phase()).startsWith(phase);
        assertThat(p.running()).isFalse();
        assertThat(p.describe()).startsWith("007 in progress: " + phase);
        // verification tells the same from the catalog alone: at 006, with part of 007 there
        // (an interrupted concurrent build's INVALID index is an error against any version, and named as such)
        var verify = Verifier.on(db.dataSource()).verify(AlphaPulseSchema.migrations().version("6"));
        assertThat(verify.errors()).allSatisfy(f -> assertThat(f.actual()).isEqualTo("INVALID"));
        assertThat(verify.partial()).hasValueSatisfying(part -> assertThat(part.version().label()).isEqualTo("007"));
        var identify = Verifier.on(db.dataSource()).identify();
        assertThat(identify.partial()).hasValueSatisfying(part -> assertThat(part.version().label()).isEqualTo("007"));
        return p;
    }

    private static int waitFor(Database db, CompletableFuture<?> run, String pidQuery) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (run.isDone()) {
                throw new AssertionError("the run ended before it waited: " + catchThrowable(run::join));
            }
            try (Connection c = db.connect(); Statement s = c.createStatement(); var rs = s.executeQuery(pidQuery)) {
                if (rs.next()) {
                    return rs.getInt(1);
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for: " + pidQuery + "; sessions: " + text(db, "SELECT string_agg(pid || ' ' "
                + "|| state || ' ' || coalesce(wait_event_type || ':' || wait_event, '-') || ' ' || left(query, 120), ' | ') "
                + "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"));
    }
}
