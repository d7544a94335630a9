package com.alphapulse.db.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.schema.AlphaPulseSchema;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** rehearse and runbook: every rollback rehearsed on real data, and the runbook written from it. */
class RehearsalTest {

    static final Database CLEAN = Fixtures.database("rehearse_clean");
    static final Database BROKEN = Fixtures.database("rehearse_broken");
    static final RehearseOptions SMALL = new RehearseOptions(3, 0.02, 7, RehearseOptions.DEFAULT_RECOVERY_TARGET);

    @AfterAll
    static void dropDatabases() {
        Fixtures.drop(CLEAN);
        Fixtures.drop(BROKEN);
    }

    @Test
    @DisplayName("on a clean scratch database every rollback of a version above the first, and head -> first -> head, passes, and so does the probe")
    void rehearsal_of_the_real_scripts_passes_row_by_row() {
        RehearseResult r = Fixtures.engine(CLEAN).rehearse(SMALL);

        assertThat(r.rows()).extracting(RehearseResult.Row::migration)
                .containsExactly("009", "008", "007", "006", "005", "002", "009 -> 001");
        assertThat(r.rows()).extracting(RehearseResult.Row::risk)
                .containsExactly(Risk.NONE, Risk.NONE, Risk.MEDIUM, Risk.MEDIUM, Risk.HIGH, Risk.HIGH, Risk.HIGH);
        for (RehearseResult.Row row : r.rows()) {
            assertThat(row.error()).as(row.migration()).isNull();
            assertThat(row.findings()).as(row.migration()).isEmpty();
            assertThat(row.differences()).as(row.migration()).isEmpty();
            assertThat(row.passed()).as(row.migration()).isTrue();
            assertThat(row.recovery()).as(row.migration()).isGreaterThanOrEqualTo(row.rollback().plus(row.upgrade()));
        }
        // tenant data went into the archive and came back
        assertThat(r.rows().get(2).rowsArchived()).isEqualTo(r.rows().get(2).rowsRestored()).isPositive();
        // the domain tables U002 drops went into the archive whole and came back
        assertThat(r.rows().get(5).rowsArchived()).isEqualTo(r.rows().get(5).rowsRestored()).isPositive();
        // the full procedure archives exactly what the four data-dropping steps archive one by one
        assertThat(r.rows().get(6).rowsArchived()).isEqualTo(r.rows().get(6).rowsRestored())
                .isEqualTo(r.rows().get(2).rowsArchived() + r.rows().get(3).rowsArchived() + r.rows().get(4).rowsArchived()
                        + r.rows().get(5).rowsArchived());
        assertThat(r.probe().passed()).isTrue();
        assertThat(r.probe().checks()).isPositive();
        assertThat(r.data().tenantIds()).hasSize(3);
        assertThat(r.passed()).isTrue();
        assertThat(r.withinTarget()).isTrue();
    }

    @Test
    @DisplayName("an undo script that forgets one index fails exactly its row, and the rehearsal as a whole")
    void rehearsal_catches_an_undo_script_that_does_not_return_to_the_previous_version() {
        UndoScriptSource forgetful = version -> {
            String sql = UndoScriptSource.of(AlphaPulseSchema.migrations()).undoSql(version).orElseThrow();
            return Optional.of(version.number() == 9
                    ? sql.replace("DROP INDEX IF EXISTS idx_trades_tenant_id_compound;", "") : sql);
        };
        RehearseResult r = Fixtures.config(BROKEN).undoScriptSource(forgetful).load().rehearse(SMALL);

        RehearseResult.Row first = r.rows().get(0);
        assertThat(first.migration()).isEqualTo("009");
        assertThat(first.verifiedAfterRollback()).isFalse();
        assertThat(first.findings()).anySatisfy(f -> assertThat(f).contains("idx_trades_tenant_id_compound"));
        assertThat(first.passed()).isFalse();
        assertThat(r.passed()).isFalse();
    }

    @Test
    @DisplayName("a database with any table in public is refused with PRECONDITION_FAILED before anything runs")
    void non_empty_database_is_refused() {
        Database db = Fixtures.database("rehearse_not_empty");
        try {
            Fixtures.exec(db, "CREATE TABLE public.customer_data (id int PRIMARY KEY)", "INSERT INTO public.customer_data VALUES (1)");
            Fixtures.State before = Fixtures.state(db);
            MigrationException e = Fixtures.failure(() -> Fixtures.engine(db).rehearse(SMALL));
            assertThat(e.code()).isEqualTo(MigrationException.Code.PRECONDITION_FAILED);
            assertThat(e.getMessage()).contains("empty scratch database").contains("customer_data");
            Fixtures.assertUnchanged(db, before);
            assertThat(Fixtures.text(db, "SELECT to_regclass('public.flyway_schema_history') IS NULL")).isEqualTo("t");
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("a step down between rows that fails is reported in a row of its own, not thrown, and fails the rehearsal")
    void failed_step_down_is_a_row() {
        Database db = Fixtures.database("rehearse_step_down");
        try {
            // U008 works the first time (its row) and fails the second time (the step down to 007 for the next row).
            UndoScriptSource secondTimeFails = version -> UndoScriptSource.of(AlphaPulseSchema.migrations()).undoSql(version)
                    .map(sql -> version.number() != 8 ? sql : sql + "\nDO $$ BEGIN IF EXISTS (SELECT 1 FROM alphapulse_migration.journal "
                            + "WHERE direction = 'DOWN' AND version = '008' AND outcome = 'SUCCESS') THEN "
                            + "RAISE EXCEPTION 'second undo of 008 refused'; END IF; END $$;\n");
            RehearseResult r = Fixtures.config(db).undoScriptSource(secondTimeFails).load().rehearse(SMALL);

            assertThat(r.rows()).extracting(RehearseResult.Row::migration).containsExactly("009", "008", "step down 008 -> 007");
            assertThat(r.rows().get(1).passed()).isTrue();
            RehearseResult.Row failed = r.rows().get(2);
            assertThat(failed.error()).contains("second undo of 008 refused");
            assertThat(failed.passed()).isFalse();
            assertThat(r.probe().passed()).isFalse();
            assertThat(r.passed()).isFalse();
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("a recovery slower than the target fails the verdict even when every check passed")
    void verdict_holds_recovery_against_the_target() {
        RehearseResult.Row row = new RehearseResult.Row("009", "009", "008", Risk.NONE, Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(3), true, true, List.of(), true, List.of(), 0, 0, null);
        RehearseResult.Probe probe = new RehearseResult.Probe(true, 88, List.of());
        RehearseResult fast = new RehearseResult("db", "009", null, List.of(row), probe, Duration.ofSeconds(10),
                Duration.ofSeconds(5), java.time.Instant.now());
        RehearseResult slow = new RehearseResult("db", "009", null, List.of(row), probe, Duration.ofSeconds(2),
                Duration.ofSeconds(5), java.time.Instant.now());
        assertThat(fast.passed()).isTrue();
        assertThat(slow.withinTarget()).isFalse();
        assertThat(slow.passed()).isFalse();
    }

    @Test
    @DisplayName("the runbook names each migration's undo risk from its statements and quotes the rehearsal's times")
    void runbook_is_written_from_the_scripts_and_the_rehearsal() {
        String without = MigrationEngine.runbook(AlphaPulseSchema.migrations(), null).markdown();
        assertThat(without).contains("no rehearsal yet");
        for (var v : AlphaPulseSchema.migrations().versions()) {
            assertThat(without).contains("### " + v.label() + " " + v.description());
        }
        assertThat(without).contains("| 009 composite indexes | NONE |", "| 008 row level security | NONE |",
                "| 007 domain tenant id | MEDIUM |", "| 006 users tenant id | MEDIUM |", "| 005 tenants | HIGH |");
        assertThat(without).contains("SECURITY: at 007");
        // U006 and U007 drop foreign keys to tenants: that locks tenants exclusively as well.
        assertThat(section(without, "006")).contains("ACCESS EXCLUSIVE on users").contains("ACCESS EXCLUSIVE on tenants");
        assertThat(section(without, "007")).contains("ACCESS EXCLUSIVE on trades").contains("ACCESS EXCLUSIVE on tenants");
        // 002 and 001 drop whole tables: archived like any other, so no --accept-data-loss.
        for (String v : List.of("002", "001")) {
            assertThat(section(without, v)).contains("downgrade -1 --url \"$ALPHAPULSE_DB_URL\" --user \"$ALPHAPULSE_DB_USER\" --reason")
                    .contains("Archived by default and restored exactly").doesNotContain("--accept-data-loss --reason");
        }
        assertThat(section(without, "005")).doesNotContain("--accept-data-loss --reason");

        RehearseResult.Row row = new RehearseResult.Row("007", "007", "006", Risk.MEDIUM, Duration.ofMillis(1234),
                Duration.ofMillis(2345), Duration.ofMillis(4321), true, true, List.of(), true, List.of(), 10, 10, null);
        RehearseResult rehearsal = new RehearseResult("localhost:5432/scratch", "009",
                new LoadDemoDataResult("009", List.of(), java.util.Map.of("trades", 100L), Duration.ZERO), List.of(row),
                new RehearseResult.Probe(true, 88, List.of()), Duration.ofMinutes(10), Duration.ofSeconds(9),
                java.time.Instant.parse("2026-11-24T01:00:00Z"));
        RunbookResult with = MigrationEngine.runbook(AlphaPulseSchema.migrations(), rehearsal);
        assertThat(with.rehearsalFinishedAt()).isEqualTo(rehearsal.finishedAt());
        assertThat(with.markdown()).contains("2026-11-24T01:00:00Z", "1234 ms", "2345 ms", "4321 ms");
    }

    /** The runbook's section of one migration, from its heading to the next. */
    private static String section(String markdown, String version) {
        int start = markdown.indexOf("### " + version + " ");
        assertThat(start).as("section of %s", version).isNotNegative();
        int end = markdown.indexOf("\n### ", start + 1);
        return markdown.substring(start, end < 0 ? markdown.indexOf("\n## ", start) : end);
    }
}
