package com.alphapulse.db.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.engine.Risk;
import com.alphapulse.db.rehearsal.LoadDemoDataResult;
import com.alphapulse.db.rehearsal.RehearseResult;
import com.alphapulse.db.rehearsal.Rehearsals;
import com.alphapulse.db.schema.AlphaPulseSchema;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The runbook model rendered as docs/rollback-runbook.md, with this CLI's command lines. Needs no database. */
class RunbookMarkdownTest {

    private static final Rehearsals REHEARSALS = Rehearsals.on(MigrationEngine.configure().migrations(AlphaPulseSchema.migrations()));

    @Test
    @DisplayName("the runbook names each migration's undo risk from its statements, the commands to run, and quotes the rehearsal's times")
    void runbook_is_written_from_the_scripts_and_the_rehearsal() {
        String without = RunbookMarkdown.render(REHEARSALS.runbook(null));
        assertThat(without).startsWith("# AlphaPulse rollback runbook").contains("no rehearsal yet");
        for (var v : AlphaPulseSchema.migrations().versions()) {
            assertThat(without).contains("### " + v.label() + " " + v.description());
        }
        assertThat(without).contains("| 011 no tenant in scope error | NONE |", "| 010 tenant safe keys | NONE |",
                "| 009 composite indexes | NONE |", "| 008 row level security | NONE |",
                "| 007 domain tenant id | MEDIUM |", "| 006 users tenant id | MEDIUM |", "| 005 tenants | HIGH |");
        assertThat(without).contains("SECURITY: at 007");
        assertThat(section(without, "010")).contains("SECURITY: at 009 the foreign key(s)")
                .contains("ACCESS EXCLUSIVE on trades").contains("java -jar cli.jar plan 009 --url");
        // U006 and U007 drop foreign keys to tenants: that locks tenants exclusively as well.
        assertThat(section(without, "006")).contains("ACCESS EXCLUSIVE on users").contains("ACCESS EXCLUSIVE on tenants");
        assertThat(section(without, "007")).contains("ACCESS EXCLUSIVE on trades").contains("ACCESS EXCLUSIVE on tenants")
                .contains("java -jar cli.jar plan 006 --url \"$ALPHAPULSE_DB_URL\"")
                .contains("java -jar cli.jar verify --version 006 --url");
        // 002 and 001 drop whole tables: archived like any other, so no --accept-data-loss.
        for (String v : List.of("002", "001")) {
            assertThat(section(without, v)).contains("downgrade -1 --url \"$ALPHAPULSE_DB_URL\" --user \"$ALPHAPULSE_DB_USER\" --reason")
                    .contains("Archived by default and restored exactly").doesNotContain("--accept-data-loss --reason");
        }
        assertThat(section(without, "001")).contains("(001 → base (empty))");
        assertThat(section(without, "005")).doesNotContain("--accept-data-loss --reason");
        assertThat(without).contains("(SQLSTATE AP001) after 011", "Upgrade to 010 refused: rows whose tenant differs");
        assertThat(without).contains("## Complete rollback to 002 and recovery", "## Emergency scenarios", "## After any rollback")
                .doesNotContain("Measured");

        RehearseResult.Row row = new RehearseResult.Row("007", "007", "006", Risk.MEDIUM, Duration.ofMillis(1234),
                Duration.ofMillis(2345), Duration.ofMillis(4321), true, true, List.of(), true, List.of(), 10, 10, null);
        RehearseResult.Row full = new RehearseResult.Row("011 -> 001", "011", "001", Risk.HIGH, Duration.ofMillis(3456),
                Duration.ofMillis(5678), Duration.ofMillis(9876), true, true, List.of(), true, List.of(), 99, 99, null);
        RehearseResult rehearsal = new RehearseResult("localhost:5432/scratch", "011",
                new LoadDemoDataResult("011", List.of(), Map.of("trades", 100L), Duration.ZERO), List.of(row, full),
                new RehearseResult.Probe(true, 88, List.of()), Duration.ofMinutes(10), Duration.ofSeconds(9),
                Instant.parse("2026-11-24T01:00:00Z"));
        String with = RunbookMarkdown.render(REHEARSALS.runbook(rehearsal));
        assertThat(with).contains("2026-11-24T01:00:00Z", "`localhost:5432/scratch` (100 trades, 0 tenants): **PASSED**",
                "1234 ms", "2345 ms", "4321 ms");
        assertThat(section(with, "007")).contains("**Measured** in the rehearsal: rollback 1234 ms");
        assertThat(with).contains("Measured (rehearsal of 011 -> 001): rollback 3456 ms, upgrade 5678 ms, recovery 9876 ms — target 600.0 s.");
    }

    /** The runbook's section of one migration, from its heading to the next. */
    private static String section(String markdown, String version) {
        int start = markdown.indexOf("### " + version + " ");
        assertThat(start).as("section of %s", version).isNotNegative();
        int end = markdown.indexOf("\n### ", start + 1);
        return markdown.substring(start, end < 0 ? markdown.indexOf("\n## ", start) : end);
    }
}
