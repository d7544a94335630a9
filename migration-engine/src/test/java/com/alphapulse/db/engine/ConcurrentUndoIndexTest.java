package com.alphapulse.db.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.testing.MigrationSets;
import com.alphapulse.db.verification.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * An undo script that re-creates a unique key the way U010 does: the index built CONCURRENTLY, then attached
 * with ADD CONSTRAINT … USING INDEX. Proves the engine builds it before the undo's transaction (a phase of its
 * own; inside a transaction PostgreSQL refuses CONCURRENTLY), replaces an INVALID index an interrupted build left,
 * and that a build that fails leaves the database at the version, without the index.
 */
class ConcurrentUndoIndexTest {

    private static MigrationSet set() throws Exception {
        Path dir = MigrationSets.copyScripts(MigrationSets.fixture());
        int next = MigrationSets.fixture().head().number() + 1;
        Files.writeString(dir.resolve("migration").resolve(String.format("V%03d__slug_not_unique.sql", next)),
                "ALTER TABLE tenants DROP CONSTRAINT uq_tenants_slug;\n");
        Files.writeString(dir.resolve("undo").resolve(String.format("U%03d__slug_not_unique.sql", next)), """
                CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_tenants_slug ON tenants (slug);
                ALTER TABLE tenants ADD CONSTRAINT uq_tenants_slug UNIQUE USING INDEX uq_tenants_slug;
                """);
        return MigrationSets.generate(dir);
    }

    @Test
    void theUniqueIndexIsBuiltBeforeTheTransactionAndAnInvalidLeftoverIsReplaced() throws Exception {
        MigrationSet set = set();
        Database db = Fixtures.database("undo_cic");
        MigrationEngine engine = MigrationEngine.configure().dataSource(db.dataSource()).migrations(set).reason("t").load();
        engine.upgrade("head");
        Fixtures.exec(db, "INSERT INTO tenants (id, name, slug) VALUES (gen_random_uuid(), 'a', 'same'), (gen_random_uuid(), 'b', 'same')");
        // An interrupted build of an earlier attempt: the duplicates make it fail and leave the index INVALID.
        Fixtures.failure(() -> MigrationEngine.configure().dataSource(db.dataSource()).migrations(set).load()
                .withConnection("build", c -> c.createStatement().execute("CREATE UNIQUE INDEX CONCURRENTLY uq_tenants_slug ON tenants (slug)")));
        assertThat(Fixtures.text(db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.uq_tenants_slug'::regclass")).isEqualTo("f");
        Fixtures.exec(db, "DELETE FROM tenants WHERE name = 'b'");

        // The catalog check reports the INVALID index (verify names it); forced, the undo replaces it.
        DowngradeResult down = engine.downgrade("-1", DowngradeOptions.defaults().withForce(true));

        assertThat(down.versions()).singleElement().satisfies(r -> assertThat(r.phases())
                .extracting(VersionRun.Phase::name).containsExactly("build index uq_tenants_slug (concurrently)"));
        assertThat(Verifier.on(db.dataSource(), set).verify(set.require(set.previous(set.head().version()))).clean()).isTrue();
        assertThat(Fixtures.count(db, "SELECT count(*) FROM pg_constraint WHERE conname = 'uq_tenants_slug' AND contype = 'u'")).isEqualTo(1);
    }

    @Test
    void sharedValuesAreRefusedByThePlanBeforeTheIndexIsBuilt() throws Exception {
        MigrationSet set = set();
        Database db = Fixtures.database("undo_cic_dup");
        MigrationEngine engine = MigrationEngine.configure().dataSource(db.dataSource()).migrations(set).reason("t").load();
        engine.upgrade("head");
        Fixtures.exec(db, "INSERT INTO tenants (id, name, slug) VALUES (gen_random_uuid(), 'a', 'dup'), (gen_random_uuid(), 'b', 'dup')");

        MigrationException e = Fixtures.failure(() -> engine.downgrade("-1", DowngradeOptions.defaults()));

        assertThat(e.code()).isEqualTo(MigrationException.Code.PRECONDITION_FAILED);
        assertThat(e.getMessage()).contains("uq_tenants_slug").contains("refused before it started");
        assertThat(Fixtures.count(db, "SELECT count(*) FROM pg_class WHERE relname = 'uq_tenants_slug'")).isZero();
    }

    @Test
    void aBuildThatFailsLeavesTheVersionAndNoIndex() throws Exception {
        MigrationSet set = set();
        Database db = Fixtures.database("undo_cic_fail");
        MigrationEngine engine = MigrationEngine.configure().dataSource(db.dataSource()).migrations(set).reason("t")
                .statementTimeout(java.time.Duration.ofSeconds(1)).load();
        engine.upgrade("head");
        // A writer's open transaction: the concurrent build waits for it after creating its index entry, and runs
        // out of statement_timeout there, leaving an INVALID index; the writer ends once the engine drops it
        // (DROP INDEX CONCURRENTLY waits for the writer too).
        try (java.sql.Connection writer = db.connect(); java.sql.Connection watcher = db.connect()) {
            writer.setAutoCommit(false);
            writer.createStatement().execute("INSERT INTO tenants (id, name, slug) VALUES (gen_random_uuid(), 'w', 'w')");
            Thread end = new Thread(() -> {
                try {
                    long deadline = System.nanoTime() + 30_000_000_000L;
                    while (System.nanoTime() < deadline) {
                        try (java.sql.ResultSet rs = watcher.createStatement().executeQuery("SELECT count(*) FROM pg_stat_activity "
                                + "WHERE query LIKE 'DROP INDEX CONCURRENTLY%uq_tenants_slug%' AND pid <> pg_backend_pid()")) {
                            rs.next();
                            if (rs.getLong(1) > 0) {
                                break;
                            }
                        }
                        Thread.sleep(20);
                    }
                    writer.commit();
                } catch (Exception ignored) {
                    // the test's assertions say whether the build was cleaned up
                }
            });
            end.start();

            MigrationException e = Fixtures.failure(() -> engine.downgrade("-1", DowngradeOptions.defaults()));
            end.join();

            assertThat(e.getMessage()).contains("could not build index uq_tenants_slug concurrently").contains("nothing was undone");
        }
        assertThat(engine.status().currentVersion()).isEqualTo(set.head().version());
        assertThat(Fixtures.count(db, "SELECT count(*) FROM pg_class WHERE relname = 'uq_tenants_slug'")).as("INVALID index left").isZero();
    }
}
