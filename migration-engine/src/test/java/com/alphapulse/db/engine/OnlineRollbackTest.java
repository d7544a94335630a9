package com.alphapulse.db.engine;

import static com.alphapulse.db.engine.Fixtures.count;
import static com.alphapulse.db.engine.Fixtures.exec;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.testing.AlphaPulseRows;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A downgrade archives the columns it drops online, before its exclusive locks: what it reports, and that a
 * downgrade that fails after that keeps what the archive held before (values an earlier restore could not put back).
 */
class OnlineRollbackTest {

    private static final String STRANDED = "SELECT count(*) FROM alphapulse_migration.archive_columns WHERE version = 7 "
            + "AND table_name = 'trades' AND pk = jsonb_build_object('id', %d)";

    @Test
    @DisplayName("a downgrade that fails after its online archive keeps the values an earlier restore left in the archive; the next one that succeeds replaces them, and reports its online phase and lock window")
    void failed_downgrade_keeps_the_archive() throws Exception {
        Database db = Fixtures.database("online_rollback");
        try {
            MigrationEngine engine = Fixtures.engine(db);
            engine.upgrade("head");
            AlphaPulseRows.load(db, 2, 400);
            engine.downgrade("006", DowngradeOptions.defaults());
            // A trade deleted while rolled back: its archived tenant_id cannot go back and stays in the archive.
            long gone = count(db, "SELECT min(id) FROM public.trades");
            exec(db, "DELETE FROM public.trades WHERE id = " + gone);
            engine.upgrade("head");
            assertThat(count(db, STRANDED.formatted(gone))).isEqualTo(1);

            // The next downgrade archives online, then cannot get its lock on tenants (a reader holds it) and gives up.
            // From 009: U010's concurrent index builds would wait for the reader's open transaction to end.
            engine.downgrade("009", DowngradeOptions.defaults());
            MigrationEngine impatient = Fixtures.config(db).lockTimeout(Duration.ofMillis(200)).lockRetries(0).load();
            try (Connection reader = db.connect()) {
                reader.setAutoCommit(false);
                reader.createStatement().execute("SELECT count(*) FROM public.tenants");
                MigrationException e = Fixtures.failure(() -> impatient.downgrade("006", DowngradeOptions.defaults()));
                assertThat(e.code()).isEqualTo(MigrationException.Code.LOCK_TIMEOUT);
                reader.rollback();
            }
            assertThat(count(db, STRANDED.formatted(gone))).as("still in the archive, at its version").isEqualTo(1);
            assertThat(count(db, "SELECT count(*) FROM alphapulse_migration.archive_columns WHERE version < 0")).isZero();
            assertThat(count(db, "SELECT count(*) FROM pg_trigger WHERE tgname = 'alphapulse_archive_delta'")).isZero();

            Map<String, String> before = Fixtures.tenantChecksums(db, null);
            DowngradeResult down = engine.downgrade("006", DowngradeOptions.defaults());
            assertThat(count(db, STRANDED.formatted(gone))).as("replaced by the archive of what is there now").isZero();
            assertThat(down.versions()).filteredOn(v -> v.version().label().equals("007")).singleElement().satisfies(v -> {
                assertThat(v.phases()).singleElement().satisfies(p -> assertThat(p.name()).startsWith("archive ").endsWith("(online)"));
                assertThat(v.blockingLock()).isPositive().isLessThanOrEqualTo(v.duration());
            });
            engine.upgrade("head");
            assertThat(Fixtures.tenantChecksums(db, null)).isEqualTo(before);
        } finally {
            Fixtures.drop(db);
        }
    }
}
