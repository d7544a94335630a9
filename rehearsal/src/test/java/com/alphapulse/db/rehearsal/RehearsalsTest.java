package com.alphapulse.db.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.engine.AbandonResult;
import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.schema.AlphaPulseSchema;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link Rehearsals#abandon}: what the CLI calls when it must exit while a rehearsal's step is stuck. What the engine
 * does with a stuck step is the engine's AbandonTest; here, that the facade hands it on and is harmless otherwise.
 */
class RehearsalsTest {

    @Test
    @DisplayName("abandon before any verb loaded the engine is nothing and needs no database; on a loaded engine with no "
            + "step running it journals nothing")
    void abandon_is_nothing_without_a_step() {
        AbandonResult early = Rehearsals.on(MigrationEngine.configure().migrations(AlphaPulseSchema.migrations()))
                .abandon("the client gave up");
        assertThat(early.abandoned()).isFalse();
        assertThat(early.version()).isEmpty();

        Database db = Fixtures.database("rehearsals_abandon");
        try {
            Fixtures.engine(db).upgrade("head");
            Rehearsals rehearsals = Fixtures.rehearsals(db);
            assertThat(rehearsals.countTenants().empty()).as("a verb that loads the engine: no demo tenants yet").isTrue();
            long rows = Fixtures.count(db, "SELECT count(*) FROM alphapulse_migration.journal");
            AbandonResult idle = rehearsals.abandon("the client gave up");
            assertThat(idle.abandoned()).isFalse();
            assertThat(idle.version()).isEmpty();
            assertThat(Fixtures.count(db, "SELECT count(*) FROM alphapulse_migration.journal")).isEqualTo(rows);
        } finally {
            Fixtures.drop(db);
        }
    }
}
