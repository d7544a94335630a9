package com.alphapulse.db.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.engine.StatusResult;
import com.alphapulse.db.engine.UndoScriptSource;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.testing.TestDatabases;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** status's applied and pending versions read from the history rows are exactly what Flyway's info says. */
class StatusReaderTest {

    static final Database DB = PostgresProvider.shared().createDatabase("status_reader");

    @AfterAll
    static void dropDatabase() {
        PostgresProvider.shared().dropDatabase(DB);
    }

    private static EngineSettings settings(List<String> locations) {
        return new EngineSettings(DB.dataSource(), "db", null, Duration.ofSeconds(2), Duration.ofMinutes(1), 0, Duration.ofMillis(100),
                AlphaPulseSchema.migrations(), locations, UndoScriptSource.of(AlphaPulseSchema.migrations()), "test", null, line -> {});
    }

    private static EngineSettings settings() {
        return settings(List.of(AlphaPulseSchema.migrations().flywayLocation()));
    }

    private record Versions(boolean fromHistory, List<StatusResult.AppliedVersion> applied, List<String> pending) {}

    private static Versions fromHistory(EngineSettings s) throws Exception {
        List<StatusResult.AppliedVersion> applied = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        try (Connection c = DB.connect()) {
            boolean used = StatusReader.fromHistory(s, HistoryTable.state(c), applied, pending);
            return new Versions(used, applied, pending);
        }
    }

    private static Versions fromFlyway(EngineSettings s) {
        List<StatusResult.AppliedVersion> applied = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        StatusReader.fromFlyway(s, applied, pending);
        return new Versions(false, applied, pending);
    }

    private static void assertSameAsFlyway() throws Exception {
        Versions history = fromHistory(settings());
        Versions flyway = fromFlyway(settings());
        assertThat(history.fromHistory()).as("the history is enough").isTrue();
        assertThat(history.applied()).isEqualTo(flyway.applied());
        assertThat(history.pending()).isEqualTo(flyway.pending());
    }

    @Test
    @DisplayName("no history table, part-way, stamped and at head: the history rows give Flyway's applied and pending versions")
    void same_as_flyway() throws Exception {
        assertSameAsFlyway();
        assertThat(fromHistory(settings()).pending()).hasSize(AlphaPulseSchema.migrations().versions().size());
        MigrationEngine engine = MigrationEngine.configure().dataSource(DB.dataSource()).load();
        engine.upgrade("006");
        assertSameAsFlyway();
        engine.stamp("005", true);
        engine.stamp("006", false);
        assertSameAsFlyway();
        engine.upgrade("head");
        assertSameAsFlyway();
        assertThat(fromHistory(settings()).pending()).isEmpty();
        assertThat(engine.status().applied()).hasSize(AlphaPulseSchema.migrations().versions().size());
    }

    @Test
    @DisplayName("an overriding location or a failed row is left to Flyway")
    void otherwise_flyway() throws Exception {
        assertThat(fromHistory(settings(List.of("classpath:elsewhere/migration"))).fromHistory()).isFalse();
        Database db = PostgresProvider.shared().createDatabase("status_reader_failed");
        try {
            MigrationEngine.configure().dataSource(db.dataSource()).load().upgrade("005");
            TestDatabases.execute(db, "INSERT INTO public.flyway_schema_history (installed_rank, version, description, type, "
                    + "script, checksum, installed_by, execution_time, success) VALUES (100, '006', 'users tenant id', 'SQL', "
                    + "'V006__users_tenant_id.sql', 0, current_user, 0, false)");
            List<StatusResult.AppliedVersion> applied = new ArrayList<>();
            try (Connection c = db.connect()) {
                assertThat(StatusReader.fromHistory(settings(), HistoryTable.state(c), applied, new ArrayList<>())).isFalse();
            }
        } finally {
            PostgresProvider.shared().dropDatabase(db);
        }
    }
}
