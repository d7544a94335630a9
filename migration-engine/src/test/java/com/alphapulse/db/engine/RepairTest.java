package com.alphapulse.db.engine;

import static com.alphapulse.db.engine.Fixtures.count;
import static com.alphapulse.db.engine.Fixtures.exec;
import static com.alphapulse.db.engine.Fixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.engine.MigrationException.Code;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.testing.AlphaPulseRows;
import com.alphapulse.db.verification.Verifier;
import com.alphapulse.db.migrations.SchemaVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** repair after an interrupted CREATE INDEX CONCURRENTLY (version 009), and what it refuses to touch. */
class RepairTest {

    @Test
    @DisplayName("an INVALID index with a 009 name makes the upgrade fail part-way with a failed row; repair drops what 009 left and the failed row, then the upgrade succeeds")
    void failed_concurrent_build() {
        Database db = Fixtures.database("repair_failed");
        try {
            MigrationEngine engine = Fixtures.engine(db);
            engine.upgrade("008");
            AlphaPulseRows.load(db, 2, 250);
            // A unique build on duplicate data fails and leaves its index behind, INVALID.
            Throwable failedBuild = org.assertj.core.api.Assertions.catchThrowable(() -> exec(db,
                    "CREATE UNIQUE INDEX CONCURRENTLY idx_trades_tenant_id_compound ON public.trades (tenant_id)"));
            assertThat(failedBuild).hasMessageContaining("could not create unique index");
            assertThat(invalidIndexes(db)).containsExactly("idx_trades_tenant_id_compound");

            // The catalog guard sees the INVALID index and advises repair before 009 starts; forced, 009 runs into it.
            MigrationException guarded = failure(() -> engine.upgrade("head"));
            assertThat(guarded.code()).isEqualTo(Code.CATALOG_MISMATCH);
            assertThat(guarded.getMessage()).contains("idx_trades_tenant_id_compound").contains("INVALID").contains("run repair");
            MigrationException up = failure(() -> engine.upgrade("head", UpgradeOptions.defaults().withForce(true)));
            assertThat(up.code()).isEqualTo(Code.FAILED);
            assertThat(up.getMessage()).contains("upgrade of 009 stopped part-way").contains("run repair")
                    .contains("already exists");
            assertThat(engine.status().failed()).containsExactly("009");
            assertThat(count(db, "SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'idx_users_tenant%compound'"))
                    .as("built before the failure").isEqualTo(2);
            assertThat(failure(() -> engine.upgrade("head")).code()).isEqualTo(Code.PRECONDITION_FAILED);
            assertThat(failure(() -> engine.downgrade("007", DowngradeOptions.defaults())).code()).isEqualTo(Code.PRECONDITION_FAILED);

            RepairResult repair = engine.repair();
            assertThat(repair.droppedIndexes()).containsExactlyInAnyOrder("idx_users_tenant_id_compound",
                    "idx_users_tenant_created_compound", "idx_trading_accounts_tenant_id_compound",
                    "idx_trading_accounts_tenant_created_compound", "idx_trades_tenant_id_compound");
            assertThat(repair.removedFailedVersions()).containsExactly("009");
            assertThat(repair.actions()).anyMatch(a -> a.startsWith("dropped index idx_trades_tenant_id_compound"));
            assertThat(Verifier.on(db.dataSource()).verify(AlphaPulseSchema.migrations().version("8")).errors()).isEmpty();
            assertThat(engine.status().failed()).isEmpty();

            assertThat(engine.upgrade("head").toVersion().label()).isEqualTo("011");
            assertThat(Verifier.on(db.dataSource()).verify(AlphaPulseSchema.migrations().head()).errors()).isEmpty();
            assertThat(engine.history().entries()).filteredOn(h -> h.direction() == Direction.REPAIR).singleElement()
                    .satisfies(h -> assertThat(h.message()).contains("idx_trades_tenant_id_compound").contains("009"));
            assertThat(engine.repair().changedAnything()).as("nothing left to repair").isFalse();
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("a concurrent build cancelled mid-way leaves an INVALID index and no history row; repair drops it and the upgrade then succeeds")
    void cancelled_concurrent_build() throws Exception {
        Database db = Fixtures.database("repair_cancelled");
        try {
            MigrationEngine engine = Fixtures.engine(db);
            engine.upgrade("008");
            AlphaPulseRows.load(db, 2, 250);
            CompletableFuture<Void> build;
            try (Connection old = db.connect()) {
                // An open snapshot the concurrent build has to wait out, so it can be cancelled mid-way.
                old.setAutoCommit(false);
                old.createStatement().execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                old.createStatement().execute("SELECT count(*) FROM public.users");
                build = CompletableFuture.runAsync(() -> exec(db,
                        "CREATE INDEX CONCURRENTLY idx_users_tenant_id_compound ON public.users (tenant_id, id)"));
                String pid = waitForBuild(db);
                exec(db, "SELECT pg_cancel_backend(" + pid + ")");
                try {
                    build.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException expected) {
                    assertThat(expected.getCause()).hasMessageContaining("canceling statement due to user request");
                }
                old.rollback();
            }
            assertThat(build).isCompletedExceptionally();
            assertThat(invalidIndexes(db)).containsExactly("idx_users_tenant_id_compound");
            assertThat(engine.status().currentVersion().label()).isEqualTo("008");

            RepairResult repair = engine.repair();
            assertThat(repair.droppedIndexes()).containsExactly("idx_users_tenant_id_compound");
            assertThat(repair.removedFailedVersions()).isEmpty();
            assertThat(invalidIndexes(db)).isEmpty();
            assertThat(engine.upgrade("head").toVersion().label()).isEqualTo("011");
            assertThat(Verifier.on(db.dataSource()).verify(AlphaPulseSchema.migrations().head()).errors()).isEmpty();
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("an applied script edited afterwards: repair refuses with CHECKSUM_MISMATCH and changes nothing; repair(true) accepts the edit")
    void edited_script_is_refused_unless_accepted(@TempDir Path dir) throws IOException {
        Database db = Fixtures.database("repair_edited");
        try {
            Fixtures.engine(db).upgrade("007");
            writeScripts(dir, v -> v.number() == 5 ? v.migrationSql() + "\n-- edited after it was applied\n" : v.migrationSql());
            MigrationEngine e = Fixtures.config(db).migrationLocations("filesystem:" + dir).load();
            Fixtures.State before = Fixtures.state(db);

            MigrationException refused = failure(e::repair);
            assertThat(refused.code()).isEqualTo(Code.CHECKSUM_MISMATCH);
            assertThat(refused.getMessage()).contains("V005__tenants.sql").contains("explicitly accepts edited scripts")
                    .doesNotContain("run repair");
            Fixtures.assertUnchanged(db, before);
            assertThat(failure(() -> e.upgrade("head")).getMessage()).doesNotContain("run repair");

            RepairResult accepted = e.repair(true);
            assertThat(accepted.alignedVersions()).containsExactly("005");
            assertThat(e.upgrade("head").toVersion().label()).isEqualTo("011");
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("an applied version whose script is gone: repair refuses with PRECONDITION_FAILED (Flyway would mark it deleted) and changes nothing")
    void missing_script_is_refused(@TempDir Path dir) throws IOException {
        Database db = Fixtures.database("repair_missing");
        try {
            Fixtures.engine(db).upgrade("007");
            writeScripts(dir, v -> v.number() == 6 ? null : v.migrationSql());
            MigrationEngine e = Fixtures.config(db).migrationLocations("filesystem:" + dir).load();
            Fixtures.State before = Fixtures.state(db);
            for (boolean acceptEdits : new boolean[] {false, true}) {
                MigrationException refused = failure(() -> e.repair(acceptEdits));
                assertThat(refused.code()).isEqualTo(Code.PRECONDITION_FAILED);
                assertThat(refused.getMessage()).contains("006").contains("no migration script");
            }
            Fixtures.assertUnchanged(db, before);
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("a VALID index named like one of 009's, built by hand while nothing failed, is kept by repair")
    void valid_hand_built_index_is_kept() {
        Database db = Fixtures.database("repair_hand_built");
        try {
            MigrationEngine engine = Fixtures.engine(db);
            engine.upgrade("008");
            exec(db, "CREATE INDEX idx_trades_tenant_id_compound ON public.trades (tenant_id, id)");
            RepairResult repair = engine.repair();
            assertThat(repair.droppedIndexes()).isEmpty();
            assertThat(repair.changedAnything()).isFalse();
            assertThat(count(db, "SELECT count(*) FROM pg_indexes WHERE indexname = 'idx_trades_tenant_id_compound'")).isEqualTo(1);
        } finally {
            Fixtures.drop(db);
        }
    }

    private static void writeScripts(Path dir, Function<SchemaVersion, String> text) throws IOException {
        for (SchemaVersion v : AlphaPulseSchema.migrations().versions()) {
            String sql = text.apply(v);
            if (sql != null) {
                Files.writeString(dir.resolve(v.migrationScript()), sql);
            }
        }
        // every version's Flyway configuration with it: the ones that run outside a transaction say so there
        for (SchemaVersion v : AlphaPulseSchema.migrations().versions()) {
            try (InputStream conf = RepairTest.class.getClassLoader().getResourceAsStream("db/alphapulse/migration/"
                    + v.migrationScript() + ".conf")) {
                if (conf != null) {
                    Files.write(dir.resolve(v.migrationScript() + ".conf"), conf.readAllBytes());
                }
            }
        }
    }

    private static List<String> invalidIndexes(Database db) {
        return Fixtures.strings(db, "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                + "WHERE NOT i.indisvalid ORDER BY 1");
    }

    private static String waitForBuild(Database db) throws InterruptedException, SQLException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            List<String> pids = Fixtures.strings(db, "SELECT pid FROM pg_stat_progress_create_index "
                    + "WHERE datname = current_database() AND phase LIKE 'waiting for old snapshots%'");
            if (!pids.isEmpty()) {
                return pids.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the concurrent build never waited for the old snapshot");
    }
}
