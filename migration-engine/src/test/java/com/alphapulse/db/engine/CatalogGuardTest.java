package com.alphapulse.db.engine;

import static com.alphapulse.db.engine.Fixtures.exec;
import static com.alphapulse.db.engine.Fixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.testing.AlphaPulseRows;
import com.alphapulse.db.verification.Verifier;
import org.junit.jupiter.api.DisplayName;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** upgrade and downgrade refuse a live catalog that does not match the recorded version, unless forced; warnings never block. */
class CatalogGuardTest {

    @Test
    @DisplayName("a missing index: upgrade and downgrade refuse with CATALOG_MISMATCH naming it and change nothing; force runs both")
    void mismatch_is_refused_unless_forced() {
        Database db = Fixtures.database("guard_mismatch");
        try {
            MigrationEngine engine = Fixtures.engine(db);
            engine.upgrade("008");
            AlphaPulseRows.load(db, 2, 250);
            exec(db, "DROP INDEX public.idx_trades_tenant_id");
            assertThat(engine.status().catalog().matchesRecorded()).isFalse();

            Fixtures.State before = Fixtures.state(db);
            MigrationException up = failure(() -> engine.upgrade("head"));
            assertThat(up.code()).isEqualTo(MigrationException.Code.CATALOG_MISMATCH);
            assertThat(up.getMessage()).startsWith("upgrade refused: the live catalog is not at 008")
                    .contains("idx_trades_tenant_id").contains("force").contains("nothing was changed");
            MigrationException down = failure(() -> engine.downgrade("-1", DowngradeOptions.defaults()));
            assertThat(down.code()).isEqualTo(MigrationException.Code.CATALOG_MISMATCH);
            assertThat(down.getMessage()).startsWith("downgrade refused: the live catalog is not at 008").contains("idx_trades_tenant_id");
            Fixtures.assertUnchanged(db, before);

            assertThat(engine.downgrade("-1", DowngradeOptions.defaults().withForce(true)).toVersion().label()).isEqualTo("007");
            assertThat(failure(() -> engine.upgrade("head")).code()).as("still drifted at 007")
                    .isEqualTo(MigrationException.Code.CATALOG_MISMATCH);
            assertThat(engine.upgrade("head", UpgradeOptions.defaults().withForce(true)).toVersion().label()).isEqualTo("011");

            exec(db, "CREATE INDEX idx_trades_tenant_id ON public.trades (tenant_id)");
            assertThat(Verifier.on(db.dataSource()).verify(AlphaPulseSchema.migrations().head()).errors()).isEmpty();
            assertThat(engine.downgrade("-1", DowngradeOptions.defaults()).toVersion().label()).as("matches again: no force needed")
                    .isEqualTo("010");
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("warnings do not block: an extra table and an extra index (not part of the version) leave upgrade and downgrade running")
    void warnings_do_not_block() {
        Database db = Fixtures.database("guard_warnings");
        try {
            MigrationEngine engine = Fixtures.engine(db);
            assertThat(engine.upgrade("007").toVersion().label()).as("an empty database is at base").isEqualTo("007");
            exec(db, "CREATE TABLE public.scratch_notes (id int PRIMARY KEY)",
                    "CREATE INDEX idx_trades_symbol_adhoc ON public.trades (symbol)");
            assertThat(Verifier.on(db.dataSource()).verify(AlphaPulseSchema.migrations().version("7")).warnings()).hasSize(2);
            assertThat(engine.upgrade("head").toVersion().label()).isEqualTo("011");
            assertThat(engine.downgrade("007", DowngradeOptions.defaults()).toVersion().label()).isEqualTo("007");
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("a history with a version this set does not have (applied by a newer release) is refused, forced or not, and nothing changes")
    void future_versions_are_refused_even_when_forced() {
        Database db = Fixtures.database("guard_future");
        try {
            MigrationEngine engine = Fixtures.engine(db);
            engine.upgrade("head");
            int future = AlphaPulseSchema.migrations().head().number() + 1;
            exec(db, "INSERT INTO public.flyway_schema_history (installed_rank, version, description, type, script, checksum, "
                    + "installed_by, execution_time, success) SELECT max(installed_rank) + 1, '" + future + "', 'from a newer release', "
                    + "'SQL', 'V" + future + "__newer.sql', 1, current_user, 0, true FROM public.flyway_schema_history");
            Fixtures.State before = Fixtures.state(db);
            for (ThrowingCallable call : java.util.List.<ThrowingCallable>of(
                    () -> engine.downgrade("-1", DowngradeOptions.defaults().withForce(true)),
                    () -> engine.upgrade("head", UpgradeOptions.defaults().withForce(true)),
                    // a relative target is not first mistaken for one beyond head (INVALID_TARGET)
                    () -> engine.upgrade("+1", UpgradeOptions.defaults()),
                    () -> engine.resolveTarget("+1", Direction.UP),
                    () -> engine.plan("-1"))) {
                MigrationException e = failure(call);
                assertThat(e.code()).isEqualTo(MigrationException.Code.UNKNOWN_VERSION);
                assertThat(e.getMessage()).contains(String.format("%03d", future)).contains("nothing was changed");
            }
            Fixtures.assertUnchanged(db, before);
        } finally {
            Fixtures.drop(db);
        }
    }
}
