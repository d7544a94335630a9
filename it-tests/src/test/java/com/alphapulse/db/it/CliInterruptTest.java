package com.alphapulse.db.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.engine.StatusResult;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signals to the shaded jar as a process, on a real server: SIGTERM and SIGINT while a downgrade waits for a table
 * lock another session holds, and SIGKILL, after which the re-run names the orphaned backend and ends it on request.
 */
class CliInterruptTest {

    static final PostgresProvider PG = PostgresProvider.shared();

    record Run(Process process, Path out, Path err) {
        String stderr() throws Exception {
            return Files.readString(err, StandardCharsets.UTF_8);
        }
    }

    static Database atHead(String name) {
        Database db = PG.createDatabase(name);
        MigrationEngine.configure().dataSource(db.dataSource()).load().upgrade("head");
        return db;
    }

    static Run start(Path tmp, Database db, String... args) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-jar", CliJarTest.JAR.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--url", db.jdbcUrl(), "--user", db.adminUser()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("PGPASSWORD", db.adminPassword());
        return new Run(pb.start(), out, err);
    }

    /** A transaction that holds ACCESS SHARE on trades, so U011's ACCESS EXCLUSIVE waits. */
    static Connection blocker(Database db) throws Exception {
        Connection c = db.connect();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("LOCK TABLE trades IN ACCESS SHARE MODE");
        }
        return c;
    }

    /** The pid of the downgrade's step session once it waits for a lock. */
    static int waitingUndo(Database db, Run run) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            while (System.nanoTime() < deadline) {
                assertThat(run.process().isAlive()).as("the downgrade ended early: %s", run.stderr()).isTrue();
                try (ResultSet r = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                        + "AND application_name LIKE 'alphapulse-migration-engine undo%' AND wait_event_type = 'Lock'")) {
                    if (r.next()) {
                        return r.getInt(1);
                    }
                }
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the downgrade never waited for the lock: " + run.stderr());
    }

    static List<String> lastJournalRow(Database db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT direction, version, outcome, message FROM alphapulse_migration.journal "
                        + "ORDER BY id DESC LIMIT 1")) {
            assertThat(r.next()).as("a journal row").isTrue();
            return List.of(r.getString(1), r.getString(2), r.getString(3), r.getString(4));
        }
    }

    static boolean backendAlive(Database db, int pid) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid)) {
            r.next();
            return r.getInt(1) > 0;
        }
    }

    static void assertUntouched(Database db) {
        StatusResult status = MigrationEngine.configure().dataSource(db.dataSource()).load().status();
        assertThat(status.currentVersion().label()).isEqualTo("011");
        assertThat(status.catalog().matchesRecorded()).as("%s", status.catalog().findings()).isTrue();
    }

    void interrupted_by(String signal, int exit, Path tmp) throws Exception {
        Database db = atHead("cli_" + signal.toLowerCase(java.util.Locale.ROOT));
        try (Connection block = blocker(db)) {
            Run run = start(tmp, db, "downgrade", "-1", "--yes", "--lock-timeout", "120", "--reason", "signal test");
            waitingUndo(db, run);
            if (signal.equals("SIGTERM")) {
                run.process().destroy();
            } else {
                assertThat(new ProcessBuilder("kill", "-INT", String.valueOf(run.process().pid())).start().waitFor()).isZero();
            }
            assertThat(run.process().waitFor(60, TimeUnit.SECONDS)).as("stopped within the grace period").isTrue();
            String err = run.stderr();
            assertThat(run.process().exitValue()).as(err).isEqualTo(exit);
            List<String> said = err.lines().filter(l -> l.startsWith("interrupted")).toList();
            assertThat(said).as(err).hasSize(1);
            assertThat(said.get(0)).startsWith("interrupted (" + signal + "): ").contains("undo of 011 was interrupted and rolled back",
                    "the database stays at 011");
            assertThat(err.lines().filter(l -> l.startsWith("error:"))).isEmpty();
            block.rollback();
        }
        assertThat(lastJournalRow(db)).startsWith("DOWN", "011", "INTERRUPTED");
        assertUntouched(db);
    }

    @Test
    @DisplayName("SIGTERM during a downgrade blocked on a table lock: one line, exit 143, journal row INTERRUPTED, still at 011 with its catalog")
    void sigterm_rolls_back_and_journals(@TempDir Path tmp) throws Exception {
        interrupted_by("SIGTERM", 143, tmp);
    }

    @Test
    @DisplayName("SIGINT (kill -INT) the same way: one line, exit 130, journal row INTERRUPTED, nothing half-changed")
    void sigint_rolls_back_and_journals(@TempDir Path tmp) throws Exception {
        interrupted_by("SIGINT", 130, tmp);
    }

    @Test
    @DisplayName("after SIGKILL the re-run says at once that it waits for the previous run's backend (its pid) and goes on once "
            + "it ends; after a second SIGKILL, --terminate-stale ends that backend and proceeds")
    void sigkill_leaves_a_backend_the_rerun_names_and_can_end(@TempDir Path tmp) throws Exception {
        Database db = atHead("cli_sigkill");
        try (Connection block = blocker(db)) {
            Run first = start(tmp, db, "downgrade", "-1", "--yes", "--lock-timeout", "120");
            int orphan = waitingUndo(db, first);
            first.process().destroyForcibly().waitFor();

            Run rerun = start(tmp, db, "repair");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!rerun.stderr().contains("for the previous run's backend pid " + orphan) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(rerun.stderr()).contains("waiting up to 10 s for the previous run's backend pid " + orphan,
                    "the terminate-stale option ends it");
            block.commit(); // the orphan gets its lock, cannot answer its client, and ends
            assertThat(rerun.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(rerun.process().exitValue()).as(rerun.stderr()).isZero();
            assertThat(rerun.stderr()).contains("the previous run's backend ended; going on");
        }
        assertUntouched(db);

        try (Connection block = blocker(db)) {
            Run second = start(tmp, db, "downgrade", "-1", "--yes", "--lock-timeout", "120");
            int orphan = waitingUndo(db, second);
            second.process().destroyForcibly().waitFor();

            Run terminating = start(tmp, db, "repair", "--terminate-stale");
            assertThat(terminating.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(terminating.process().exitValue()).as(terminating.stderr()).isZero();
            assertThat(terminating.stderr()).contains("terminating the previous run's step session backend pid " + orphan);
            assertThat(backendAlive(db, orphan)).isFalse();
            block.rollback();
        }
        assertUntouched(db);
    }

    static int journalRows(Database db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*) FROM alphapulse_migration.journal")) {
            r.next();
            return r.getInt(1);
        }
    }

    @Test
    @DisplayName("Ctrl-C at the confirmation prompt (the jar on a terminal, through script(1)) is a no: 'cancelled: nothing "
            + "changed', exit 10 at once instead of the 20 s grace and 130, no journal row, still at 011")
    void sigint_at_the_prompt_cancels(@TempDir Path tmp) throws Exception {
        Database db = atHead("cli_prompt_sigint");
        int rowsBefore = journalRows(db);
        Path out = Files.createTempFile(tmp, "tty", ".txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = String.join(" ", "'" + java + "'", "-Djava.io.tmpdir=" + tmp, "-jar", "'" + CliJarTest.JAR + "'",
                "downgrade", "-1", "--url", "'" + db.jdbcUrl() + "'", "--user", "'" + db.adminUser() + "'");
        // stdin stays an open pipe: script(1) would pass its end of input on as ^D, which cancels without any signal
        ProcessBuilder pb = new ProcessBuilder("script", "-qefc", command, "/dev/null").directory(tmp.toFile())
                .redirectOutput(out.toFile()).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", db.adminPassword());
        Process script = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(out).contains("to proceed") && !Files.readString(out).contains("Proceed?")) {
                assertThat(script.isAlive()).as("ended before the prompt: %s", Files.readString(out)).isTrue();
                assertThat(System.nanoTime()).as("no prompt: %s", Files.readString(out)).isLessThan(deadline);
                Thread.sleep(100);
            }
            ProcessHandle jar = script.descendants().filter(p -> p.info().command().orElse("").endsWith("java")).findFirst()
                    .orElseThrow();
            long t0 = System.nanoTime();
            assertThat(new ProcessBuilder("kill", "-INT", String.valueOf(jar.pid())).start().waitFor()).isZero();
            assertThat(script.waitFor(15, TimeUnit.SECONDS)).as("ended: %s", Files.readString(out)).isTrue();
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            String tty = Files.readString(out);
            assertThat(script.exitValue()).as(tty).isEqualTo(10);
            assertThat(tty).contains("cancelled: nothing changed").doesNotContain("interrupted");
            assertThat(took).as("answered at once, not after the grace period").isLessThan(10_000);
        } finally {
            script.destroyForcibly();
        }
        assertThat(journalRows(db)).isEqualTo(rowsBefore);
        assertUntouched(db);
    }
}
