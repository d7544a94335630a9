package com.alphapulse.db.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The engine's own schema as DBAs live with it: objects of theirs that read it must not stop the engine. */
class EngineSchemaTest {

    @Test
    @DisplayName("a DBA's view on the journal's outcome and a grant on the journal (the schema no longer private): ensure runs "
            + "its list again, leaves the column (and the view) alone, revokes the grant, and the journal takes INTERRUPTED")
    void a_view_on_the_journal_does_not_stop_ensure() throws Exception {
        Database db = PostgresProvider.shared().createDatabase("engine_schema_view");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            EngineSchema.ensure(c);
            s.execute("CREATE VIEW public.migration_outcomes AS SELECT version, outcome FROM alphapulse_migration.journal");
            s.execute("GRANT SELECT ON alphapulse_migration.journal TO PUBLIC");
            assertThat(EngineSchema.exists(c)).as("not private: ensure runs every statement again").isFalse();

            EngineSchema.ensure(c);

            assertThat(EngineSchema.exists(c)).isTrue();
            s.execute("INSERT INTO alphapulse_migration.journal (run_id, version, direction, started_at, finished_at, duration_ms, "
                    + "outcome) VALUES (gen_random_uuid(), '011', 'DOWN', now(), now(), 0, 'INTERRUPTED')");
            try (ResultSet r = s.executeQuery("SELECT string_agg(outcome, ',') FROM public.migration_outcomes")) {
                r.next();
                assertThat(r.getString(1)).isEqualTo("INTERRUPTED");
            }
        } finally {
            PostgresProvider.shared().dropDatabase(db);
        }
    }

    @Test
    @DisplayName("an outcome column a DBA made wider (text) stays as it is when ensure runs again: only a varchar shorter "
            + "than 12 is widened")
    void a_wider_outcome_column_is_left_alone() throws Exception {
        Database db = PostgresProvider.shared().createDatabase("engine_schema_text");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            EngineSchema.ensure(c);
            s.execute("ALTER TABLE alphapulse_migration.journal ALTER COLUMN outcome TYPE text");
            s.execute("CREATE VIEW public.migration_outcomes AS SELECT version, outcome FROM alphapulse_migration.journal");
            s.execute("GRANT SELECT ON alphapulse_migration.journal TO PUBLIC");

            EngineSchema.ensure(c);

            assertThat(EngineSchema.exists(c)).isTrue();
            try (ResultSet r = s.executeQuery("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                    + "WHERE attrelid = 'alphapulse_migration.journal'::regclass AND attname = 'outcome'")) {
                r.next();
                assertThat(r.getString(1)).isEqualTo("text");
            }
        } finally {
            PostgresProvider.shared().dropDatabase(db);
        }
    }
}
