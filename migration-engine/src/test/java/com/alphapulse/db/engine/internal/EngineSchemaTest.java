package com.alphapulse.db.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The engine's own schema as it meets databases in the field: a journal an older engine made, objects of a DBA's that
 * read it. {@link EngineSchema#ensure} must bring it up to date without losing rows and without being stopped by them.
 */
class EngineSchemaTest {

    /** Work on a fresh database's connection. */
    interface Work {
        void run(Statement s, Connection c) throws Exception;
    }

    private static void onNewDatabase(String name, Work work) throws Exception {
        Database db = PostgresProvider.shared().createDatabase(name);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            work.run(s, c);
        } finally {
            PostgresProvider.shared().dropDatabase(db);
        }
    }

    private static String text(Statement s, String sql) throws Exception {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    /** What a DBA adds: a view on the journal's outcome and a grant on the journal, so the schema is no longer private. */
    private static void viewAndGrant(Statement s, Connection c) throws Exception {
        s.execute("CREATE VIEW public.migration_outcomes AS SELECT version, outcome FROM alphapulse_migration.journal");
        s.execute("GRANT SELECT ON alphapulse_migration.journal TO PUBLIC");
        assertThat(EngineSchema.exists(c)).as("not private: ensure runs every statement again").isFalse();
    }

    private static void insertInterrupted(Statement s) throws Exception {
        s.execute("INSERT INTO alphapulse_migration.journal (run_id, version, direction, started_at, finished_at, duration_ms, outcome) "
                + "VALUES (gen_random_uuid(), '011', 'DOWN', now(), now(), 0, 'INTERRUPTED')");
    }

    @Test
    @DisplayName("a journal made before INTERRUPTED existed (outcome varchar(10), CHECK SUCCESS/FAILED) is widened by ensure, rows kept")
    void older_journal_accepts_interrupted_after_ensure() throws Exception {
        onNewDatabase("engine_schema_older", (s, c) -> {
            s.execute("CREATE SCHEMA alphapulse_migration");
            s.execute("CREATE TABLE alphapulse_migration.journal (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, run_id uuid NOT NULL, "
                    + "version varchar(10) NOT NULL, direction varchar(10) NOT NULL CHECK (direction IN ('UP', 'DOWN', 'STAMP', 'REPAIR')), "
                    + "db_user text NOT NULL DEFAULT current_user, os_user text, reason text, started_at timestamptz NOT NULL, "
                    + "finished_at timestamptz NOT NULL, duration_ms bigint NOT NULL, rows_archived bigint NOT NULL DEFAULT 0, "
                    + "rows_restored bigint NOT NULL DEFAULT 0, outcome varchar(10) NOT NULL CHECK (outcome IN ('SUCCESS', 'FAILED')), message text)");
            s.execute("INSERT INTO alphapulse_migration.journal (run_id, version, direction, started_at, finished_at, duration_ms, outcome) "
                    + "VALUES (gen_random_uuid(), '002', 'UP', now(), now(), 0, 'SUCCESS')");
            assertThat(EngineSchema.exists(c)).isFalse();
            EngineSchema.ensure(c);
            assertThat(EngineSchema.exists(c)).isTrue();
            insertInterrupted(s);
            assertThat(text(s, "SELECT string_agg(outcome, ',' ORDER BY id) FROM alphapulse_migration.journal"))
                    .isEqualTo("SUCCESS,INTERRUPTED");
        });
    }

    @Test
    @DisplayName("a DBA's view on the journal's outcome and a grant on the journal (the schema no longer private): ensure runs "
            + "its list again, leaves the column (and the view) alone, revokes the grant, and the journal takes INTERRUPTED")
    void a_view_on_the_journal_does_not_stop_ensure() throws Exception {
        onNewDatabase("engine_schema_view", (s, c) -> {
            EngineSchema.ensure(c);
            viewAndGrant(s, c);

            EngineSchema.ensure(c);

            assertThat(EngineSchema.exists(c)).isTrue();
            insertInterrupted(s);
            assertThat(text(s, "SELECT string_agg(outcome, ',') FROM public.migration_outcomes")).isEqualTo("INTERRUPTED");
        });
    }

    @Test
    @DisplayName("an outcome column a DBA made wider (text) stays as it is when ensure runs again: only a varchar shorter "
            + "than 12 is widened")
    void a_wider_outcome_column_is_left_alone() throws Exception {
        onNewDatabase("engine_schema_text", (s, c) -> {
            EngineSchema.ensure(c);
            s.execute("ALTER TABLE alphapulse_migration.journal ALTER COLUMN outcome TYPE text");
            viewAndGrant(s, c);

            EngineSchema.ensure(c);

            assertThat(EngineSchema.exists(c)).isTrue();
            assertThat(text(s, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                    + "WHERE attrelid = 'alphapulse_migration.journal'::regclass AND attname = 'outcome'")).isEqualTo("text");
        });
    }
}
