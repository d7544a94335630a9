package com.alphapulse.db.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.postgres.Database;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link MigrationEngine#abandon}: what a CLI that must exit while a step is stuck calls so that history still shows
 * the attempt, once: the step's own failure afterwards does not journal it again.
 */
class AbandonTest {

    @Test
    @DisplayName("abandon during an undo stuck on a table lock journals DOWN 011 INTERRUPTED with the reason; when the stuck "
            + "session then dies, no second row; with nothing running, abandon journals nothing")
    void abandon_journals_the_stuck_step_once() throws Exception {
        Database db = Fixtures.database("abandon");
        try {
            Fixtures.engine(db).upgrade("head");
            MigrationEngine engine = Fixtures.config(db).lockTimeout(Duration.ofSeconds(60)).lockRetries(0).load();
            assertThat(engine.abandon("nothing runs").abandoned()).isFalse();
            long rowsBefore = Fixtures.count(db, "SELECT count(*) FROM alphapulse_migration.journal");
            try (Connection blocker = LockLostTest.blockTrades(db)) {
                CompletableFuture<Throwable> run = LockLostTest.downgradeInBackground(engine, "010");
                LockLostTest.awaitUndoWaiting(db);

                AbandonResult abandoned = engine.abandon("the client gave up");
                assertThat(abandoned.abandoned()).isTrue();
                assertThat(abandoned.version()).hasValueSatisfying(v -> assertThat(v.label()).isEqualTo("011"));
                assertThat(abandoned.direction()).isEqualTo(Direction.DOWN);
                assertThat(Fixtures.text(db, "SELECT direction || ' ' || version || ' ' || outcome || ' ' || message "
                        + "FROM alphapulse_migration.journal ORDER BY id DESC LIMIT 1"))
                        .startsWith("DOWN 011 INTERRUPTED the client gave up; the server rolls the undo's transaction back");

                // what exiting does to the stuck step: its session ends, its transaction rolls back
                Fixtures.count(db, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() "
                        + "AND application_name LIKE 'alphapulse-migration-engine undo%'");
                assertThat(run.get(60, TimeUnit.SECONDS)).isInstanceOf(MigrationException.class);
                blocker.rollback();
            }
            assertThat(Fixtures.count(db, "SELECT count(*) FROM alphapulse_migration.journal")).as("one row for the attempt")
                    .isEqualTo(rowsBefore + 1);
            assertThat(Fixtures.engine(db).status().currentVersion().label()).isEqualTo("011");
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("a step abandoned while stuck that gets unstuck does not commit: the undo of 011 rolls back at its commit, one "
            + "INTERRUPTED row, still at 011, and the abandoned run starts nothing more")
    void abandoned_step_never_commits() throws Exception {
        Database db = Fixtures.database("abandon_commit");
        try {
            Fixtures.engine(db).upgrade("head");
            MigrationEngine engine = Fixtures.config(db).lockTimeout(Duration.ofSeconds(60)).lockRetries(0).load();
            long rowsBefore = Fixtures.count(db, "SELECT count(*) FROM alphapulse_migration.journal");
            try (Connection blocker = LockLostTest.blockTrades(db)) {
                CompletableFuture<Throwable> run = LockLostTest.downgradeInBackground(engine, "009");
                LockLostTest.awaitUndoWaiting(db);
                assertThat(engine.abandon("the client gave up").abandoned()).isTrue();
                blocker.rollback(); // the stuck statement goes on, as it may after the client left
                assertThat(run.get(60, TimeUnit.SECONDS)).isInstanceOfSatisfying(MigrationException.class,
                        e -> assertThat(e.code()).isEqualTo(MigrationException.Code.INTERRUPTED));
            }
            assertThat(Fixtures.count(db, "SELECT count(*) FROM alphapulse_migration.journal")).isEqualTo(rowsBefore + 1);
            assertThat(Fixtures.engine(db).status().currentVersion().label()).as("011 not undone, 010 not started").isEqualTo("011");
        } finally {
            Fixtures.drop(db);
        }
    }
}
