package com.alphapulse.db.engine;

import static com.alphapulse.db.engine.Fixtures.count;
import static com.alphapulse.db.engine.Fixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.alphapulse.db.engine.MigrationException.Code;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.testing.AlphaPulseRows;
import com.alphapulse.db.verification.Verifier;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Faults while a run runs: a killed session, a concurrent run, a long transaction holding a lock, a writer
 * committing while the downgrade waits.
 */
class FaultTest {

    @Test
    @DisplayName("the engine's session is terminated mid-way through head -> 002: the database is at a whole version, history agrees, a re-run completes, nothing is lost")
    void terminated_backend() throws Exception {
        Database db = Fixtures.database("fault_terminate");
        try {
            Fixtures.engine(db).upgrade("head");
            AlphaPulseRows.load(db, 3, 340);
            Map<String, String> checksums = Fixtures.tenantChecksums(db, null);
            MigrationEngine engine = Fixtures.config(db).lockTimeout(Duration.ofMinutes(1)).lockRetries(0).load();
            // U010 builds its unique indexes CONCURRENTLY, which waits for every open transaction (the reader
            // below included) to end: down to 009 first, so that the run below waits where this test looks.
            engine.downgrade("009", DowngradeOptions.defaults());
            CompletableFuture<DowngradeResult> run;
            try (Connection holder = db.connect()) {
                // A reader of tenants: U009 and U008 take no lock on tenants; U007 drops the foreign keys to it,
                // which takes ACCESS EXCLUSIVE on tenants, so the run waits in its third step.
                holder.setAutoCommit(false);
                holder.createStatement().execute("SELECT count(*) FROM public.tenants");
                run = CompletableFuture.supplyAsync(() -> engine.downgrade("002", DowngradeOptions.defaults()));
                int pid = waitForEngineWaitingOnLock(db, "undo 007");
                Fixtures.exec(db, "SELECT pg_terminate_backend(" + pid + ")");
                MigrationException e = unwrap(run);
                assertThat(e.code()).isEqualTo(Code.INTERRUPTED);
                assertThat(e.getMessage()).contains("undo of 007").contains("run the command again");
                holder.rollback();
            }
            assertThat(Fixtures.text(db, "SELECT max(version) FROM public.flyway_schema_history WHERE success")).isEqualTo("007");
            assertThat(Verifier.on(db.dataSource()).verify(AlphaPulseSchema.migrations().version("7")).errors()).isEmpty();
            StatusResult status = engine.status();
            assertThat(status.currentVersion().label()).isEqualTo("007");
            // The killed step had archived online before its transaction: the delta triggers it put up stay, and
            // status names them (the next downgrade replaces them); what it archived is no pending restore.
            assertThat(status.catalog().findings()).isNotEmpty()
                    .allSatisfy(f -> assertThat(f).startsWith("trigger alphapulse_archive_delta on "));
            assertThat(status.rollbacks()).extracting(HistoryResult.Entry::version).containsExactly("011", "010", "009", "008");
            assertThat(status.pendingRestores()).as("the killed step's online archive waits for no restore").isEmpty();
            assertThat(engine.history().entries()).last().satisfies(last -> {
                assertThat(last.direction()).isEqualTo(Direction.DOWN);
                assertThat(last.version()).isEqualTo("007");
                // stopped from outside (terminated), rolled back: journaled as such, not as a failed script
                assertThat(last.outcome()).isEqualTo(Outcome.INTERRUPTED);
            });

            DowngradeResult rerun = engine.downgrade("002", DowngradeOptions.defaults());
            assertThat(rerun.fromVersion().label()).isEqualTo("007");
            assertThat(rerun.versions()).extracting(r -> r.version().label()).containsExactly("007", "006", "005");
            assertThat(Verifier.on(db.dataSource()).verify(AlphaPulseSchema.migrations().version("2")).errors()).isEmpty();
            engine.upgrade("head");
            assertThat(Fixtures.tenantChecksums(db, null)).isEqualTo(checksums);
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("a second run while a downgrade runs is refused at once with LOCKED; the first one finishes")
    void concurrent_runs() throws Exception {
        Database db = Fixtures.database("fault_concurrent");
        try {
            Fixtures.engine(db).upgrade("006");
            MigrationEngine engine = Fixtures.config(db).lockTimeout(Duration.ofMinutes(1)).load();
            CompletableFuture<DowngradeResult> first;
            try (Connection holder = db.connect()) {
                holder.setAutoCommit(false);
                holder.createStatement().execute("SELECT count(*) FROM public.users");
                first = CompletableFuture.supplyAsync(() -> engine.downgrade("005", DowngradeOptions.defaults()));
                waitForEngineWaitingOnLock(db, "undo 006");
                long t0 = System.nanoTime();
                MigrationException second = failure(() -> engine.downgrade("002", DowngradeOptions.defaults()));
                long refusedAfterMs = (System.nanoTime() - t0) / 1_000_000;
                assertThat(second.code()).isEqualTo(Code.LOCKED);
                assertThat(second.getMessage()).contains("another migration run holds");
                assertThat(refusedAfterMs).as("refused at once, not queued behind the first run").isLessThan(10_000);
                assertThat(failure(() -> engine.upgrade("head")).code()).isEqualTo(Code.LOCKED);
                assertThat(failure(() -> engine.stamp("006", true)).code()).isEqualTo(Code.LOCKED);
                assertThat(failure(engine::repair).code()).isEqualTo(Code.LOCKED);
                assertThat(first).isNotDone();
                holder.rollback();
            }
            assertThat(first.get(60, TimeUnit.SECONDS).toVersion().label()).isEqualTo("005");
            assertThat(engine.status().currentVersion().label()).isEqualTo("005");
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("a long transaction holds a lock on trades: LOCK_TIMEOUT after the retries, nothing changed, readers never blocked much longer than lock_timeout")
    void long_transaction_on_trades() throws Exception {
        Database db = Fixtures.database("fault_lock_timeout");
        try {
            // at 009, so that the undo that waits is U009's (it locks trades first)
            Fixtures.engine(db).upgrade("009");
            AlphaPulseRows.load(db, 2, 500);
            // Long enough that a read queued for the whole run (about 6 s) is told apart from one that waited at
            // most one lock_timeout, with room for a busy machine in between.
            Duration lockTimeout = Duration.ofMillis(1000);
            MigrationEngine engine = Fixtures.config(db).lockTimeout(lockTimeout).lockRetries(2)
                    .retryBackoff(Duration.ofMillis(1000)).load();
            Fixtures.State before = Fixtures.state(db);
            List<Long> readMillis = new CopyOnWriteArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            MigrationException e;
            try (Connection holder = db.connect(); Connection reader = db.connect()) {
                holder.setAutoCommit(false);
                holder.createStatement().execute("SELECT count(*) FROM public.trades");
                CompletableFuture<Void> reads = CompletableFuture.runAsync(() -> read(reader, stop, readMillis));
                long t0 = System.nanoTime();
                e = failure(() -> engine.downgrade("008", DowngradeOptions.defaults()));
                long ranMs = (System.nanoTime() - t0) / 1_000_000;
                stop.set(true);
                reads.get(30, TimeUnit.SECONDS);
                holder.rollback();
                assertThat(ranMs).as("three attempts of %s ms each", lockTimeout.toMillis()).isGreaterThanOrEqualTo(3 * lockTimeout.toMillis());
            }
            assertThat(e.code()).isEqualTo(Code.LOCK_TIMEOUT);
            assertThat(e.getMessage()).contains("undo of 009").contains("after 3 attempt(s)").contains("stays at 009");
            Fixtures.assertUnchanged(db, before);
            assertThat(engine.history().entries()).last().satisfies(last -> {
                assertThat(last.outcome()).isEqualTo(Outcome.FAILED);
                assertThat(last.message()).contains("lock");
            });
            assertThat(readMillis).as("reads done while the engine waited").hasSizeGreaterThan(5);
            assertThat(readMillis.stream().mapToLong(Long::longValue).max().orElseThrow())
                    .as("slowest read (ms) against lock_timeout %s ms", lockTimeout.toMillis())
                    .isLessThan(lockTimeout.toMillis() + 1_500);
            assertThat(count(db, "SELECT count(*) FROM pg_indexes WHERE indexname LIKE '%compound'")).isEqualTo(16);
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("a statement running past statement_timeout is cancelled: STATEMENT_TIMEOUT, no retry, the version rolled back")
    void statement_timeout() {
        Database db = Fixtures.database("fault_statement_timeout");
        try {
            // at 009, so that downgrade -1 runs the slowed U009
            Fixtures.engine(db).upgrade("009");
            // U009 as shipped, then something slow: stands in for a backfill that runs too long.
            UndoScriptSource slow = v -> UndoScriptSource.of(AlphaPulseSchema.migrations()).undoSql(v)
                    .map(sql -> v.number() == 9 ? sql + "\nSELECT pg_sleep(5);\n" : sql);
            MigrationEngine engine = Fixtures.config(db).statementTimeout(Duration.ofMillis(300)).undoScriptSource(slow).load();
            Fixtures.State before = Fixtures.state(db);
            long t0 = System.nanoTime();
            MigrationException e = failure(() -> engine.downgrade("-1", DowngradeOptions.defaults()));
            assertThat((System.nanoTime() - t0) / 1_000_000).as("cancelled, not slept through").isLessThan(4_000);
            assertThat(e.code()).isEqualTo(Code.STATEMENT_TIMEOUT);
            assertThat(e.getMessage()).contains("undo of 009 rolled back").contains("statement timeout");
            Fixtures.assertUnchanged(db, before);
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("an upgrade whose version's locks hit lock_timeout retries them with backoff while it holds SHARE UPDATE EXCLUSIVE (which blocks no one), and then succeeds")
    void upgrade_retries_after_lock_timeout() throws Exception {
        Database db = Fixtures.database("fault_upgrade_retry");
        try {
            Fixtures.engine(db).upgrade("005");
            List<String> lines = new CopyOnWriteArrayList<>();
            MigrationEngine engine = Fixtures.config(db).lockRetries(3).retryBackoff(Duration.ofMillis(200)).progress(lines::add).load();
            UpgradeResult result;
            try (Connection holder = db.connect()) {
                holder.setAutoCommit(false);
                holder.createStatement().execute("SELECT count(*) FROM public.users");
                CompletableFuture<UpgradeResult> run = CompletableFuture.supplyAsync(() -> engine.upgrade("006"));
                // V006's script says SET LOCAL lock_timeout = '5s'; the engine takes the version's locks itself first
                waitForLockWait(db, "LOCK TABLE %users% IN ACCESS EXCLUSIVE MODE");
                // Held past the first try's lock_timeout (2 s here), released during a later one.
                Thread.sleep(3_000);
                holder.rollback();
                result = run.get(60, TimeUnit.SECONDS);
            }
            assertThat(result.toVersion().label()).isEqualTo("006");
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("not granted within 2000 ms; holding SHARE UPDATE EXCLUSIVE"));
            assertThat(engine.status().catalog().matchesRecorded()).isTrue();
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("rows a transaction commits while the downgrade waits for its locks are archived too: the tables are locked before the archive is taken")
    void rows_committed_while_the_downgrade_waits_are_archived() throws Exception {
        Database db = Fixtures.database("fault_commit_while_waiting");
        try {
            Fixtures.engine(db).upgrade("007");
            AlphaPulseRows.load(db, 2, 250);
            List<String> tenants = Fixtures.strings(db, "SELECT id FROM public.tenants WHERE slug LIKE '%-_' ORDER BY slug");
            String tenantA = tenants.get(0);
            String tenantB = tenants.get(1);
            String signal = Fixtures.text(db, "SELECT min(id) FROM public.agent_signals WHERE tenant_id = '" + tenantA + "'");
            MigrationEngine engine = Fixtures.config(db).lockTimeout(Duration.ofMinutes(1)).lockRetries(0).load();
            DowngradeResult down;
            try (Connection writer = db.connect()) {
                writer.setAutoCommit(false);
                try (Statement st = writer.createStatement()) {
                    st.execute("INSERT INTO public.trading_accounts (account_id, account_number, exchange_name, account_type, tenant_id) "
                            + "VALUES ('ACC-RACE', '1', 'kraken', 'spot', '" + tenantB + "')");
                    st.execute("UPDATE public.agent_signals SET tenant_id = '" + tenantB + "' WHERE id = " + signal);
                }
                CompletableFuture<DowngradeResult> run = CompletableFuture.supplyAsync(() -> engine.downgrade("006",
                        DowngradeOptions.defaults()));
                waitForEngineWaitingOnLock(db, "undo 007");
                writer.commit();
                down = run.get(60, TimeUnit.SECONDS);
            }
            String account = Fixtures.text(db, "SELECT id FROM public.trading_accounts WHERE account_id = 'ACC-RACE'");
            assertThat(Fixtures.strings(db, "SELECT value #>> '{}' FROM alphapulse_migration.archive_columns "
                    + "WHERE table_name = 'trading_accounts' AND column_name = 'tenant_id' AND pk->>'id' = '" + account + "'")).as("archived after the insert committed")
                    .containsExactly(tenantB);
            assertThat(Fixtures.strings(db, "SELECT value #>> '{}' FROM alphapulse_migration.archive_columns "
                    + "WHERE table_name = 'agent_signals' AND column_name = 'tenant_id' AND pk->>'id' = '" + signal + "'")).as("archived after the update committed")
                    .containsExactly(tenantB);
            assertThat(down.rowsArchived()).isEqualTo(count(db, "SELECT count(*) FROM alphapulse_migration.archive_columns"));

            engine.upgrade("007");
            // Without the archive, V007's backfill would give both rows the default tenant.
            assertThat(Fixtures.text(db, "SELECT tenant_id FROM public.trading_accounts WHERE id = " + account)).isEqualTo(tenantB);
            assertThat(Fixtures.text(db, "SELECT tenant_id FROM public.agent_signals WHERE id = " + signal)).isEqualTo(tenantB);
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("the session applying 009 (outside a transaction) is terminated after it built some indexes: FAILED, advice to repair "
            + "(never to run again); repair drops what 009 left, then the upgrade completes")
    void terminated_non_transactional_version() throws Exception {
        Database db = Fixtures.database("fault_terminate_009");
        try {
            MigrationEngine engine = Fixtures.engine(db);
            engine.upgrade("008");
            AlphaPulseRows.load(db, 2, 250);
            MigrationException e;
            try (Connection holder = db.connect()) {
                // Lets 009 build the two users indexes, then holds it at the first trading_accounts one.
                holder.setAutoCommit(false);
                holder.createStatement().execute("LOCK TABLE public.trading_accounts IN SHARE UPDATE EXCLUSIVE MODE");
                CompletableFuture<UpgradeResult> run = CompletableFuture.supplyAsync(() -> engine.upgrade("head"));
                String pid = waitForLockWait(db, "idx_trading_accounts_tenant_id_compound");
                assertThat(count(db, "SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'idx_users_tenant%compound'"))
                        .as("built before the kill").isEqualTo(2);
                Fixtures.exec(db, "SELECT pg_terminate_backend(" + pid + ")");
                e = unwrap(run);
                holder.rollback();
            }
            assertThat(e.code()).isEqualTo(Code.FAILED);
            assertThat(e.getMessage()).contains("upgrade of 009 stopped part-way").contains("run repair")
                    .doesNotContain("run the command again").doesNotContain("whole version, run");
            assertThat(engine.status().currentVersion().label()).isEqualTo("008");
            assertThat(engine.history().entries()).last().satisfies(last -> {
                assertThat(last.version()).isEqualTo("009");
                assertThat(last.outcome()).isEqualTo(Outcome.FAILED);
            });

            // status does not call this 008: an upgrade would fail on the indexes 009 left with "already exists"
            StatusResult status = engine.status();
            assertThat(status.catalog().matchesRecorded()).isFalse();
            assertThat(status.catalog().identified()).isNull();
            assertThat(status.catalog().findings().get(0)).startsWith("009 interrupted: 2 index(es) left by CREATE INDEX CONCURRENTLY (0 INVALID)")
                    .contains("idx_users_tenant_id_compound").contains("run repair");
            Fixtures.State before = Fixtures.state(db);
            MigrationException refused = failure(() -> engine.upgrade("head"));
            assertThat(refused.code()).isEqualTo(Code.CATALOG_MISMATCH);
            assertThat(refused.getMessage()).contains("upgrade refused: 009 interrupted").contains("idx_users_tenant_created_compound")
                    .contains("run repair").contains("nothing was changed");
            Fixtures.assertUnchanged(db, before);

            RepairResult repair = engine.repair();
            assertThat(repair.droppedIndexes()).containsExactly("idx_users_tenant_id_compound", "idx_users_tenant_created_compound");
            assertThat(engine.status().catalog().matchesRecorded()).isTrue();
            assertThat(engine.upgrade("head").toVersion().label()).isEqualTo("011");
            assertThat(Verifier.on(db.dataSource()).verify(AlphaPulseSchema.migrations().head()).errors()).isEmpty();
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("009's session is terminated mid-build with no record of the failure (plain Flyway, no failed row, no journal): "
            + "status says 009 interrupted and is not a match, upgrade refuses naming the indexes, one repair drops exactly them "
            + "(not an INVALID index no migration names), then the upgrade completes")
    void interrupted_concurrent_build_without_any_record() throws Exception {
        Database db = Fixtures.database("fault_kill_009_unrecorded");
        try {
            List<String> progress = new CopyOnWriteArrayList<>();
            MigrationEngine engine = Fixtures.config(db).progress(progress::add).load();
            engine.upgrade("008");
            com.alphapulse.db.testing.AlphaPulseRows.load(db, 2, 250);
            try (Connection holder = db.connect(); Connection snapshot = db.connect()) {
                // Holds 009 before its third build; an older snapshot then holds that build after it created its
                // (INVALID) index and before it could mark it valid, where the session is killed.
                holder.setAutoCommit(false);
                holder.createStatement().execute("LOCK TABLE public.trading_accounts IN SHARE UPDATE EXCLUSIVE MODE");
                CompletableFuture<Void> run = CompletableFuture.runAsync(() -> Fixtures.flyway(db).load().migrate());
                String pid = waitForLockWait(db, "idx_trading_accounts_tenant_id_compound");
                snapshot.setAutoCommit(false);
                snapshot.createStatement().execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                snapshot.createStatement().execute("SELECT count(*) FROM public.users");
                holder.rollback();
                waitForBuildPhase(db, pid, "waiting for old snapshots");
                Fixtures.exec(db, "SELECT pg_terminate_backend(" + pid + ")");
                assertThat(catchThrowable(() -> run.get(60, TimeUnit.SECONDS))).isNotNull();
                snapshot.rollback();
            }
            // What a killed CLI leaves: no failed history row (Flyway could not write one on its dead session; removed
            // here should it have), no journal entry.
            Fixtures.exec(db, "DELETE FROM public.flyway_schema_history WHERE NOT success");
            assertThat(engine.history().entries()).noneMatch(h -> h.version().equals("009"));
            // Somebody's own broken build, which no migration names: repair must leave it alone.
            assertThat(catchThrowable(() -> Fixtures.exec(db, "CREATE UNIQUE INDEX CONCURRENTLY idx_dba_symbol ON public.trades (symbol)")))
                    .isNotNull();
            assertThat(Fixtures.strings(db, "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                    + "WHERE NOT i.indisvalid ORDER BY 1")).containsExactly("idx_dba_symbol", "idx_trading_accounts_tenant_id_compound");

            StatusResult status = engine.status();
            assertThat(status.currentVersion().label()).isEqualTo("008");
            assertThat(status.failed()).isEmpty();
            assertThat(status.catalog().matchesRecorded()).isFalse();
            assertThat(status.catalog().findings().get(0))
                    .isEqualTo("009 interrupted: 3 index(es) left by CREATE INDEX CONCURRENTLY (1 INVALID): idx_users_tenant_id_compound, "
                            + "idx_users_tenant_created_compound, idx_trading_accounts_tenant_id_compound (INVALID); "
                            + "run repair (it drops them), then upgrade");
            MigrationException refused = failure(() -> engine.upgrade("head"));
            assertThat(refused.code()).isEqualTo(Code.CATALOG_MISMATCH);
            assertThat(refused.getMessage()).contains("idx_trading_accounts_tenant_id_compound (INVALID)").contains("run repair");

            RepairResult repair = engine.repair();
            assertThat(repair.droppedIndexes()).containsExactly("idx_users_tenant_id_compound", "idx_users_tenant_created_compound",
                    "idx_trading_accounts_tenant_id_compound");
            assertThat(progress).anySatisfy(l -> assertThat(l).contains("kept INVALID index idx_dba_symbol").contains("no migration creates it"));
            assertThat(count(db, "SELECT count(*) FROM pg_indexes WHERE indexname = 'idx_dba_symbol'")).isEqualTo(1);
            assertThat(count(db, "SELECT count(*) FROM pg_indexes WHERE indexname LIKE '%compound'")).isZero();

            Fixtures.exec(db, "DROP INDEX CONCURRENTLY public.idx_dba_symbol");
            assertThat(engine.status().catalog().matchesRecorded()).isTrue();
            assertThat(engine.upgrade("head").toVersion().label()).isEqualTo("011");
            assertThat(Verifier.on(db.dataSource()).verify(AlphaPulseSchema.migrations().head()).errors()).isEmpty();
        } finally {
            Fixtures.drop(db);
        }
    }

    private static void waitForBuildPhase(Database db, String pid, String phase) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!Fixtures.strings(db, "SELECT pid FROM pg_stat_progress_create_index WHERE pid = " + pid + " AND phase = '" + phase + "'")
                    .isEmpty()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the build of session " + pid + " never reached " + phase);
    }

    private static String waitForLockWait(Database db, String query) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            List<String> pids = Fixtures.strings(db, "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    + "AND wait_event_type = 'Lock' AND query LIKE '%" + query + "%'");
            if (!pids.isEmpty()) {
                return pids.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nothing waited for a lock running " + query);
    }

    private static void read(Connection reader, AtomicBoolean stop, List<Long> millis) {
        try (Statement s = reader.createStatement()) {
            while (!stop.get()) {
                long t0 = System.nanoTime();
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM public.trades WHERE id < 50")) {
                    rs.next();
                }
                millis.add((System.nanoTime() - t0) / 1_000_000);
                Thread.sleep(20);
            }
        } catch (SQLException | InterruptedException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The pid of the engine's session once it waits for a lock in the given step. */
    private static int waitForEngineWaitingOnLock(Database db, String step) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            List<String> pids = Fixtures.strings(db, "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    + "AND application_name = 'alphapulse-migration-engine " + step + "' AND wait_event_type = 'Lock'");
            if (!pids.isEmpty()) {
                return Integer.parseInt(pids.get(0));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the engine never waited for a lock in " + step);
    }

    private static MigrationException unwrap(CompletableFuture<?> run) throws InterruptedException {
        try {
            run.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException ex) {
            assertThat(ex.getCause()).isInstanceOf(MigrationException.class);
            return (MigrationException) ex.getCause();
        } catch (java.util.concurrent.TimeoutException ex) {
            throw new AssertionError("the run did not end", ex);
        }
        throw new AssertionError("the run did not fail");
    }
}
