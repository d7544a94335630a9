package com.alphapulse.db.engine;

import static com.alphapulse.db.engine.Fixtures.exec;
import static com.alphapulse.db.engine.Fixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.engine.MigrationException.Code;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.testing.AlphaPulseRows;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** stamp: set the recorded version without running scripts (the seed's "migration failed mid-upgrade" scenario). */
class StampTest {

    static final Database DB = Fixtures.database("stamp");
    static MigrationEngine engine;

    @BeforeAll
    static void at007() {
        engine = Fixtures.engine(DB);
        engine.upgrade("007");
    }

    @AfterAll
    static void dropDatabase() {
        Fixtures.drop(DB);
    }

    @Test
    @DisplayName("stamping a version the catalog is not at is refused with CATALOG_MISMATCH; forcing it works; stamping back repairs the record")
    void refuse_then_force() {
        Fixtures.State before = Fixtures.state(DB);
        MigrationException e = failure(() -> engine.stamp("008", false));
        assertThat(e.code()).isEqualTo(Code.CATALOG_MISMATCH);
        assertThat(e.getMessage()).contains("not at 008").contains("row level security");
        Fixtures.assertUnchanged(DB, before);

        StampResult forced = engine.stamp("005", true);
        assertThat(forced.forced()).isTrue();
        assertThat(forced.catalogMatched()).isFalse();
        assertThat(forced.removed()).containsExactly("006", "007");
        assertThat(forced.total()).isPositive();
        assertThat(Fixtures.flyway(DB).load().info().current().getVersion().getVersion()).isEqualTo("005");
        assertThat(engine.status().catalog().matchesRecorded()).isFalse();
        assertThat(engine.recordedVersion()).as("the history alone").isEqualTo(engine.status().currentVersion())
                .hasToString("005");

        StampResult back = engine.stamp("007", false);
        assertThat(back.catalogMatched()).isTrue();
        assertThat(back.inserted()).containsExactly("006", "007");
        Flyway flyway = Fixtures.flyway(DB).ignoreMigrationPatterns("*:pending").load();
        assertThat(flyway.validateWithResult().validationSuccessful).as("stamped rows carry the scripts' checksums").isTrue();
        assertThat(engine.status().catalog().matchesRecorded()).isTrue();
        assertThat(engine.history().entries()).filteredOn(h -> h.direction() == Direction.STAMP)
                .extracting(HistoryResult.Entry::version).containsExactly("005", "007");
    }

    @Test
    @DisplayName("a version that failed mid-upgrade and left a failed history row: stamp the previous version, then upgrade +1")
    void failed_mid_upgrade() {
        Database db = Fixtures.database("stamp_failed");
        try {
            MigrationEngine e = Fixtures.engine(db);
            e.upgrade("007");
            // What a half-applied 008 leaves on a server that could not roll it back: a failed row.
            exec(db, "INSERT INTO public.flyway_schema_history (installed_rank, version, description, type, script, checksum, "
                    + "installed_by, execution_time, success) VALUES (100, '008', 'row level security', 'SQL', "
                    + "'V008__row_level_security.sql', 0, current_user, 0, false)");
            assertThat(e.status().failed()).containsExactly("008");
            assertThat(e.recordedVersion()).as("a failed row is not the recorded version").hasToString("007");
            assertThat(failure(() -> e.upgrade("+1")).code()).isEqualTo(Code.PRECONDITION_FAILED);
            StampResult stamp = e.stamp("007", false);
            assertThat(stamp.removed()).containsExactly("008 (failed)");
            assertThat(stamp.inserted()).isEmpty();
            assertThat(e.upgrade("+1").toVersion().label()).isEqualTo("008");
            assertThat(e.status().catalog().matchesRecorded()).isTrue();
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("a stamp refused after the catalog check (a version without a migration script) leaves nothing behind: no history table, no engine schema")
    void refused_stamp_changes_nothing(@TempDir Path dir) throws IOException {
        Database db = Fixtures.database("stamp_refused");
        try {
            Fixtures.flyway(db).target("6").load().migrate();
            exec(db, "DROP TABLE public.flyway_schema_history");
            for (SchemaVersion v : AlphaPulseSchema.migrations().versions()) {
                if (v.number() != 6) {
                    Files.writeString(dir.resolve(v.migrationScript()), v.migrationSql());
                }
            }
            MigrationEngine e = Fixtures.config(db).migrationLocations("filesystem:" + dir).load();
            Fixtures.State before = Fixtures.state(db);
            MigrationException refused = failure(() -> e.stamp("006", false));
            assertThat(refused.code()).isEqualTo(Code.PRECONDITION_FAILED);
            assertThat(refused.getMessage()).contains("006").contains("no migration script").contains("nothing was changed");
            Fixtures.assertUnchanged(db, before);
            assertThat(Fixtures.text(db, "SELECT to_regclass('public.flyway_schema_history') IS NULL")).isEqualTo("t");
            assertThat(Fixtures.text(db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'alphapulse_migration'")).isEqualTo("0");
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("a stamp discards the archives of versions above it: they no longer describe the database, and a later upgrade restores nothing from them")
    void stamp_discards_archives_above_the_target() {
        Database db = Fixtures.database("stamp_archives");
        try {
            MigrationEngine e = Fixtures.engine(db);
            e.upgrade("head");
            AlphaPulseRows.load(db, 2, 250);
            e.downgrade("006", DowngradeOptions.defaults());
            assertThat(e.status().pendingRestores()).isNotEmpty().allMatch(p -> p.version().equals("007"));
            StampResult stamp = e.stamp("006", false);
            assertThat(stamp.removed()).isEmpty();
            assertThat(e.status().pendingRestores()).isEmpty();
            assertThat(e.history().entries()).last().satisfies(h -> {
                assertThat(h.direction()).isEqualTo(Direction.STAMP);
                assertThat(h.message()).contains("discarded").contains("above 006");
            });
            assertThat(e.upgrade("head").rowsRestored()).isZero();
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("a database migrated without history (e.g. by the old tool) is brought under Flyway by stamp, then upgraded")
    void stamp_without_history() {
        Database db = Fixtures.database("stamp_no_history");
        try {
            Fixtures.flyway(db).target("6").load().migrate();
            exec(db, "DROP TABLE public.flyway_schema_history");
            MigrationEngine e = Fixtures.engine(db);
            assertThat(failure(() -> e.stamp("007", false)).code()).isEqualTo(Code.CATALOG_MISMATCH);
            StampResult stamp = e.stamp("006", false);
            assertThat(stamp.inserted()).containsExactly("001", "002", "005", "006");
            assertThat(e.upgrade("head").versions()).extracting(r -> r.version().label()).containsExactly("007", "008", "009", "010", "011");
            assertThat(Fixtures.flyway(db).load().validateWithResult().validationSuccessful).isTrue();
            assertThat(e.status().catalog().matchesRecorded()).isTrue();
        } finally {
            Fixtures.drop(db);
        }
    }
}
