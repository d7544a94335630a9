package com.alphapulse.db.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.Risk;
import com.alphapulse.db.engine.UndoScriptSource;
import com.alphapulse.db.migrations.Version;
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
    static final Database LOADED = Fixtures.database("rehearse_loaded");
    static final RehearseOptions SMALL = new RehearseOptions(3, 0.02, 7, RehearseOptions.DEFAULT_RECOVERY_TARGET);

    @AfterAll
    static void dropDatabases() {
        Fixtures.drop(CLEAN);
        Fixtures.drop(BROKEN);
        Fixtures.drop(LOADED);
    }

    @Test
    @DisplayName("with two application clients running, every row passes and reports the longest application wait it caused")
    void rehearsal_under_application_load_measures_the_wait_of_every_row() {
        RehearseResult r = Fixtures.rehearsals(LOADED).rehearse(SMALL.withLoad(2));

        assertThat(r.load()).isNotNull();
        assertThat(r.load().errors()).as(r.load().toString()).isZero();
        assertThat(r.rows()).hasSize(9);
        for (RehearseResult.Row row : r.rows()) {
            assertThat(row.passed()).as(row.migration() + ": " + row.error() + " " + row.differences()).isTrue();
            assertThat(row.maxAppWait()).as(row.migration()).isNotNull().isPositive();
            assertThat(row.p99AppWait()).as(row.migration()).isNotNull().isLessThanOrEqualTo(row.maxAppWait());
        }
        assertThat(r.load()).isNotNull();
        assertThat(r.load().clients()).isEqualTo(2);
        assertThat(r.load().tables()).isNotEmpty();
        assertThat(r.load().transactions()).isPositive();
        assertThat(r.load().errors()).as(String.join("\n", r.load().errorSamples())).isZero();
        assertThat(r.passed()).isTrue();
    }

    @Test
    @DisplayName("the window statistics count exactly the transactions that overlapped the window, running ones included")
    void latency_window_takes_max_and_p99_of_overlapping_transactions() {
        com.alphapulse.db.rehearsal.internal.LatencyLog log = new com.alphapulse.db.rehearsal.internal.LatencyLog();
        log.add(0, 50);          // ends before the window
        log.add(900, 1_000);     // starts after it
        for (int i = 0; i < 99; i++) {
            log.add(100 + i, 110 + i); // 10 each, inside
        }
        log.add(90, 400);        // 310, overlaps the start
        var w = log.window(100, 300, new long[] {250, 800}, 1_000); // 250 running: 750 so far; 800 starts after
        assertThat(w.transactions()).isEqualTo(101);
        assertThat(w.max()).isEqualTo(Duration.ofNanos(750));
        // nearest rank: the 100th of 101 sorted latencies is the 310 one
        assertThat(w.p99()).isEqualTo(Duration.ofNanos(310));
        assertThat(log.window(2_000, 3_000, new long[0], 3_000).transactions()).isZero();
        assertThat(new RehearseOptions(3, 0.02, 7, RehearseOptions.DEFAULT_RECOVERY_TARGET).loadClients()).isZero();
        assertThat(catchIllegal(() -> SMALL.withLoad(65))).contains("between 0 and 64");
    }

    private static String catchIllegal(Runnable r) {
        try {
            r.run();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return "";
    }

    @Test
    @DisplayName("on a clean scratch database every rollback of a version above the first, and head -> first -> head, passes, and so does the probe")
    void rehearsal_of_the_real_scripts_passes_row_by_row() {
        RehearseResult r = Fixtures.rehearsals(CLEAN).rehearse(SMALL);

        assertThat(r.rows()).extracting(RehearseResult.Row::migration)
                .containsExactly("011", "010", "009", "008", "007", "006", "005", "002", "011 -> 001");
        assertThat(r.rows()).extracting(RehearseResult.Row::risk)
                .containsExactly(Risk.NONE, Risk.NONE, Risk.NONE, Risk.NONE, Risk.MEDIUM, Risk.MEDIUM, Risk.HIGH, Risk.HIGH, Risk.HIGH);
        for (RehearseResult.Row row : r.rows()) {
            assertThat(row.error()).as(row.migration()).isNull();
            assertThat(row.findings()).as(row.migration()).isEmpty();
            assertThat(row.differences()).as(row.migration()).isEmpty();
            assertThat(row.passed()).as(row.migration()).isTrue();
            assertThat(row.recovery()).as(row.migration()).isGreaterThanOrEqualTo(row.rollback().plus(row.upgrade()));
        }
        // tenant data went into the archive and came back
        assertThat(r.rows().get(4).rowsArchived()).isEqualTo(r.rows().get(4).rowsRestored()).isPositive();
        // the domain tables U002 drops went into the archive whole and came back
        assertThat(r.rows().get(7).rowsArchived()).isEqualTo(r.rows().get(7).rowsRestored()).isPositive();
        // the full procedure archives exactly what the four data-dropping steps archive one by one
        assertThat(r.rows().get(8).rowsArchived()).isEqualTo(r.rows().get(8).rowsRestored())
                .isEqualTo(r.rows().get(4).rowsArchived() + r.rows().get(5).rowsArchived() + r.rows().get(6).rowsArchived()
                        + r.rows().get(7).rowsArchived());
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
        RehearseResult r = Rehearsals.on(Fixtures.config(BROKEN).undoScriptSource(forgetful)).rehearse(SMALL);

        assertThat(r.rows().subList(0, 2)).extracting(RehearseResult.Row::migration).containsExactly("011", "010");
        assertThat(r.rows().subList(0, 2)).allMatch(RehearseResult.Row::passed);
        RehearseResult.Row first = r.rows().get(2);
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
            MigrationException e = Fixtures.failure(() -> Fixtures.rehearsals(db).rehearse(SMALL));
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
            RehearseResult r = Rehearsals.on(Fixtures.config(db).undoScriptSource(secondTimeFails)).rehearse(SMALL);

            assertThat(r.rows()).extracting(RehearseResult.Row::migration)
                    .containsExactly("011", "010", "009", "008", "step down 008 -> 007");
            assertThat(r.rows().get(3).passed()).isTrue();
            RehearseResult.Row failed = r.rows().get(4);
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
    @DisplayName("the runbook model names each migration's undo risk, actions and locks from its statements and quotes the rehearsal's rows")
    void runbook_is_written_from_the_scripts_and_the_rehearsal() {
        Rehearsals rehearsals = Rehearsals.on(MigrationEngine.configure()); // no database: the runbook needs none
        RunbookResult without = rehearsals.runbook(null);
        assertThat(without.rehearsal()).isNull();
        assertThat(without.rehearsalFinishedAt()).isNull();
        assertThat(without.fullCycle()).isNull();
        assertThat(without.head()).isEqualTo(AlphaPulseSchema.migrations().head().version());
        assertThat(without.fullRollbackTarget()).isEqualTo(AlphaPulseSchema.migrations().first().version());
        assertThat(without.versions()).extracting(e -> e.version().label())
                .containsExactly("011", "010", "009", "008", "007", "006", "005", "002", "001");
        assertThat(without.versions()).extracting(RunbookResult.Entry::risk)
                .containsExactly(Risk.NONE, Risk.NONE, Risk.NONE, Risk.NONE, Risk.MEDIUM, Risk.MEDIUM, Risk.HIGH, Risk.HIGH, Risk.HIGH);
        assertThat(without.versions()).allSatisfy(e -> {
            assertThat(e.description()).isEqualTo(AlphaPulseSchema.migrations().require(e.version()).description());
            assertThat(e.header()).isNotBlank();
            assertThat(e.actions()).isNotEmpty();
            assertThat(e.measured()).isNull();
        });
        assertThat(entry(without, "007").archived()).isTrue();
        assertThat(entry(without, "007").below().label()).isEqualTo("006");
        assertThat(entry(without, "001").below()).isEqualTo(Version.BASE);
        // Stopping at 007 (undoing 008) leaves tenant tables without RLS.
        assertThat(entry(without, "008").warnings()).singleElement().asString().startsWith("SECURITY: at 007");
        // Stopping at 009 (undoing 010) leaves foreign keys between tenant tables that do not carry the tenant.
        assertThat(entry(without, "010").warnings()).singleElement().asString().startsWith("SECURITY: at 009 the foreign key(s)");
        assertThat(entry(without, "011").warnings()).isEmpty();
        // U006 and U007 drop foreign keys to tenants: that locks tenants exclusively as well.
        assertThat(String.join("; ", entry(without, "006").locks())).contains("ACCESS EXCLUSIVE on users")
                .contains("ACCESS EXCLUSIVE on tenants");
        assertThat(String.join("; ", entry(without, "007").locks())).contains("ACCESS EXCLUSIVE on trades")
                .contains("ACCESS EXCLUSIVE on tenants");
        // 002 and 001 drop whole tables: archived like any other, so no loss to accept.
        for (String v : List.of("002", "001", "005")) {
            assertThat(entry(without, v).archived()).as(v).isTrue();
            assertThat(entry(without, v).unarchivedLoss()).as(v).isFalse();
        }
        assertThat(entry(without, "002").losses()).isNotEmpty().allMatch(l -> l.startsWith("every row of "));

        RehearseResult.Row row = new RehearseResult.Row("007", "007", "006", Risk.MEDIUM, Duration.ofMillis(1234),
                Duration.ofMillis(2345), Duration.ofMillis(4321), true, true, List.of(), true, List.of(), 10, 10, null);
        RehearseResult.Row full = new RehearseResult.Row("011 -> 001", "011", "001", Risk.HIGH, Duration.ofMillis(3000),
                Duration.ofMillis(4000), Duration.ofMillis(8000), true, true, List.of(), true, List.of(), 99, 99, null);
        RehearseResult rehearsal = new RehearseResult("localhost:5432/scratch", "011",
                new LoadDemoDataResult("011", List.of(), java.util.Map.of("trades", 100L), Duration.ZERO), List.of(row, full),
                new RehearseResult.Probe(true, 88, List.of()), Duration.ofMinutes(10), Duration.ofSeconds(9),
                java.time.Instant.parse("2026-11-24T01:00:00Z"));
        RunbookResult with = rehearsals.runbook(rehearsal);
        assertThat(with.rehearsalFinishedAt()).isEqualTo(rehearsal.finishedAt());
        assertThat(with.rehearsal()).isEqualTo(new RunbookResult.Rehearsal(rehearsal.finishedAt(), "localhost:5432/scratch", 100, 0,
                true, Duration.ofMinutes(10)));
        assertThat(entry(with, "007").measured()).isEqualTo(row);
        assertThat(entry(with, "008").measured()).isNull();
        assertThat(with.fullCycle()).isEqualTo(full);
    }

    private static RunbookResult.Entry entry(RunbookResult r, String version) {
        return r.versions().stream().filter(e -> e.version().label().equals(version)).findFirst().orElseThrow();
    }
}
