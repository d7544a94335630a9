package com.alphapulse.db.engine;

import static com.alphapulse.db.engine.Fixtures.exec;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.verification.Verifier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deadlocks (SQLSTATE 40P01) are retried like lock timeouts, and the undo steps take their locks children
 * before parents, in the order an application writing a child takes them, so they do not deadlock with it.
 */
class DeadlockTest {

    /**
     * SQL that raises "deadlock detected" the first time it runs and does nothing afterwards. The counter is a
     * sequence, whose nextval survives the rollback of the step that fails; it lives outside schema public so
     * the catalog checks do not see it.
     */
    private static final String DEADLOCK_ONCE = "DO $$ BEGIN IF nextval('deadlock_fault.once') = 1 THEN "
            + "RAISE EXCEPTION 'deadlock detected' USING ERRCODE = '40P01', DETAIL = 'raised by the test'; END IF; END $$;\n";

    @Test
    @DisplayName("an undo step that hits a deadlock (40P01) is rolled back and retried with backoff; progress and journal say deadlock")
    void undo_deadlock_is_retried() {
        Database db = Fixtures.database("deadlock_undo");
        try {
            // at 009: the undo that deadlocks is U009's, the only step of downgrade 008
            Fixtures.engine(db).upgrade("009");
            exec(db, "CREATE SCHEMA deadlock_fault", "CREATE SEQUENCE deadlock_fault.once");
            UndoScriptSource once = v -> UndoScriptSource.of(AlphaPulseSchema.migrations()).undoSql(v)
                    .map(sql -> v.number() == 9 ? DEADLOCK_ONCE + sql : sql);
            List<String> progress = new CopyOnWriteArrayList<>();
            MigrationEngine engine = Fixtures.config(db).lockRetries(2).undoScriptSource(once).progress(progress::add).load();

            DowngradeResult down = engine.downgrade("008", DowngradeOptions.defaults());

            assertThat(down.toVersion().label()).isEqualTo("008");
            assertThat(down.versions()).singleElement().satisfies(r -> assertThat(r.attempts()).isEqualTo(2));
            assertThat(progress).anySatisfy(l -> assertThat(l).contains("deadlock detected").contains("retrying in"));
            assertThat(progress).noneSatisfy(l -> assertThat(l).contains("lock not granted"));
            assertThat(engine.history().entries()).last().satisfies(last -> {
                assertThat(last.outcome()).isEqualTo(Outcome.SUCCESS);
                assertThat(last.message()).contains("succeeded at attempt 2").contains("deadlock");
            });
            assertThat(Verifier.on(db.dataSource()).verify(AlphaPulseSchema.migrations().version("8")).errors()).isEmpty();
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("an undo step that deadlocks on every attempt gives up with LOCK_TIMEOUT after the retries, saying deadlock; nothing changed")
    void undo_deadlock_every_time_gives_up() {
        Database db = Fixtures.database("deadlock_undo_always");
        try {
            Fixtures.engine(db).upgrade("009");
            exec(db, "CREATE SCHEMA deadlock_fault", "CREATE SEQUENCE deadlock_fault.once");
            UndoScriptSource always = v -> UndoScriptSource.of(AlphaPulseSchema.migrations()).undoSql(v)
                    .map(sql -> v.number() == 9 ? DEADLOCK_ONCE.replace("= 1", "> 0") + sql : sql);
            MigrationEngine engine = Fixtures.config(db).lockRetries(1).undoScriptSource(always).load();
            Fixtures.State before = Fixtures.state(db);

            MigrationException e = Fixtures.failure(() -> engine.downgrade("008", DowngradeOptions.defaults()));

            assertThat(e.code()).isEqualTo(MigrationException.Code.LOCK_TIMEOUT);
            assertThat(e.getMessage()).contains("undo of 009").contains("after 2 attempt(s)").contains("deadlock")
                    .contains("stays at 009");
            Fixtures.assertUnchanged(db, before);
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("an upgrade version that hits a deadlock (40P01) is rolled back and retried, then applied")
    void upgrade_deadlock_is_retried(@TempDir Path dir) throws IOException {
        Database db = Fixtures.database("deadlock_upgrade");
        try {
            writeScripts(dir, 6);
            List<String> progress = new CopyOnWriteArrayList<>();
            MigrationEngine engine = Fixtures.config(db).migrationLocations("filesystem:" + dir).lockRetries(2)
                    .progress(progress::add).load();
            engine.upgrade("005");
            exec(db, "CREATE SCHEMA deadlock_fault", "CREATE SEQUENCE deadlock_fault.once");

            UpgradeResult up = engine.upgrade("006");

            assertThat(up.toVersion().label()).isEqualTo("006");
            assertThat(up.versions()).singleElement().satisfies(v -> assertThat(v.attempts()).isEqualTo(2));
            assertThat(progress).anySatisfy(l -> assertThat(l).contains("deadlock detected").contains("retrying in"));
            assertThat(engine.status().catalog().matchesRecorded()).isTrue();
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("an application inserting trades (then key-share locking their account) all through downgrade head -> 002 gets no deadlock, and the downgrade succeeds")
    void application_inserting_trades_during_downgrade() throws Exception {
        Database db = Fixtures.database("deadlock_app");
        try {
            Fixtures.engine(db).upgrade("head");
            com.alphapulse.db.testing.AlphaPulseRows.load(db, 2, 250);
            String account = Fixtures.text(db, "SELECT min(id) FROM public.trading_accounts");
            String tenant = Fixtures.text(db, "SELECT tenant_id FROM public.trading_accounts WHERE id = " + account);
            // The engine waits for the application's short transactions, never long: a short lock_timeout and a
            // few retries, so a version that lost a race is retried rather than failing the test.
            MigrationEngine engine = Fixtures.config(db).lockTimeout(Duration.ofMillis(500)).lockRetries(10)
                    .retryBackoff(Duration.ofMillis(50)).load();
            AtomicBoolean stop = new AtomicBoolean();
            List<String> deadlocks = new CopyOnWriteArrayList<>();
            AtomicLong inserted = new AtomicLong();
            List<CompletableFuture<Void>> apps = List.of(
                    CompletableFuture.runAsync(() -> insertTrades(db, account, tenant, stop, deadlocks, inserted)),
                    CompletableFuture.runAsync(() -> insertTrades(db, account, tenant, stop, deadlocks, inserted)));
            DowngradeResult down;
            try {
                waitFor(inserted, 1_000);
                down = engine.downgrade("002", DowngradeOptions.defaults());
            } finally {
                stop.set(true);
                for (CompletableFuture<Void> app : apps) {
                    app.get(60, TimeUnit.SECONDS);
                }
            }
            assertThat(down.toVersion().label()).isEqualTo("002");
            assertThat(deadlocks).as("deadlocks the application saw").isEmpty();
            assertThat(inserted.get()).as("rows the application inserted").isGreaterThan(1_000);
            assertThat(Verifier.on(db.dataSource()).verify(AlphaPulseSchema.migrations().version("2")).errors()).isEmpty();
        } finally {
            Fixtures.drop(db);
        }
    }

    /**
     * An application writing trades in short transactions of 200 rows: ROW EXCLUSIVE on trades for the insert,
     * then, when the statement ends, the foreign key checks key-share lock the account (and the tenant). Names
     * tenant_id while the column exists and leaves it out once it is gone; a failure other than a deadlock is
     * what a version change mid-statement does and is not counted.
     */
    private static void insertTrades(Database db, String account, String tenant, AtomicBoolean stop, List<String> deadlocks,
            AtomicLong inserted) {
        String common = "trade_id, account_id, symbol, side, trade_type, quantity, price, gross_value, net_value, executed_at";
        String values = "'app-' || gen_random_uuid(), " + account + ", 'BTC', 'buy', 'market', 1, 1, 1, 1, now()";
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SET lock_timeout = '5s'");
            c.setAutoCommit(false);
            boolean withTenant = true;
            while (!stop.get()) {
                try {
                    int n = s.executeUpdate(withTenant
                            ? "INSERT INTO public.trades (" + common + ", tenant_id) SELECT " + values + ", '" + tenant
                                    + "' FROM generate_series(1, 200)"
                            : "INSERT INTO public.trades (" + common + ") SELECT " + values + " FROM generate_series(1, 200)");
                    c.commit();
                    inserted.addAndGet(n);
                } catch (SQLException e) {
                    c.rollback();
                    if ("40P01".equals(e.getSQLState())) {
                        deadlocks.add(e.getMessage());
                    } else if ("42703".equals(e.getSQLState())) {
                        withTenant = false;
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static void waitFor(AtomicLong inserted, long rows) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (inserted.get() < rows && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** Every script of the set into {@code dir}, version {@code faulty} with {@link #DEADLOCK_ONCE} in front. */
    private static void writeScripts(Path dir, int faulty) throws IOException {
        for (SchemaVersion v : AlphaPulseSchema.migrations().versions()) {
            Files.writeString(dir.resolve(v.migrationScript()), v.number() == faulty ? DEADLOCK_ONCE + v.migrationSql() : v.migrationSql());
        }
        try (InputStream conf = DeadlockTest.class.getClassLoader().getResourceAsStream("db/alphapulse/migration/V009__composite_indexes.sql.conf")) {
            Files.write(dir.resolve("V009__composite_indexes.sql.conf"), conf.readAllBytes());
        }
    }
}
