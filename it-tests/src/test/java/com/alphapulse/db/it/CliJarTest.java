package com.alphapulse.db.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar, run as a real process the way README tells people to run it. */
class CliJarTest {

    static final Path JAR = Path.of("..", "cli", "target", "cli.jar").toAbsolutePath().normalize();

    record Result(int exit, String out, String err) {}

    static Process start(Path tmp, Path out, Path err, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(tmp.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    }

    static Result run(Path tmp, String... args) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = start(tmp, out, err, args);
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("cli.jar " + String.join(" ", args) + " did not finish in 10 minutes");
        }
        Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    static List<String> embeddedDirectories(Path tmp) throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("alphapulse-pg-")).toList();
        }
    }

    @Test
    @DisplayName("java -jar cli.jar rehearse passes on the embedded database, prints the table, and removes the server")
    void rehearse_runs_from_the_shaded_jar(@TempDir Path tmp) throws Exception {
        assertThat(JAR).as("built by the cli module's package phase").exists();
        Result r = run(tmp, "rehearse", "--scale", "0.1", "--junit", "rehearsal.xml");

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.err()).contains("embedded PostgreSQL in a temporary directory");
        assertThat(r.out()).contains("| migration", "| 011 ", "| 010 ", "| 009 ", "| 002 ", "| 011 -> 001", "verdict: PASS",
                "isolation probe at 011: PASS");
        assertThat(r.out().lines().filter(l -> l.startsWith("| 0")).toList()).hasSize(com.alphapulse.db.schema.AlphaPulseSchema.migrations().versions().size()).allMatch(l -> l.contains("PASS"));
        assertThat(Files.readString(tmp.resolve("rehearsal.xml"))).contains("<testsuite").doesNotContain("<failure");
        assertThat(tmp.resolve("docs/last-rehearsal.json")).exists();
        assertThat(embeddedDirectories(tmp)).as("embedded server directories left behind").isEmpty();

        Result runbook = run(tmp, "runbook");
        assertThat(runbook.exit()).as(runbook.err()).isZero();
        assertThat(Files.readString(tmp.resolve("docs/rollback-runbook.md"))).contains("**PASSED**", "### 007 domain tenant id");
    }

    @Test
    @DisplayName("bad input from the real process: one line on stderr, the documented exit code, no stack trace")
    void bad_input_from_the_real_process(@TempDir Path tmp) throws Exception {
        Result missing = run(tmp, "downgrade");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err().strip().lines()).hasSize(1);

        Result unreachable = run(tmp, "status", "--url", "jdbc:postgresql://127.0.0.1:1/alphapulse", "--user", "ops",
                "--password", "hunter2-secret");
        assertThat(unreachable.exit()).isEqualTo(6);
        assertThat(unreachable.err().strip().lines()).hasSize(1);
        assertThat(unreachable.err()).doesNotContain("hunter2-secret").doesNotContain("Exception:").doesNotContain("\tat ");
    }

    @Test
    @DisplayName("interrupting the process while the embedded server is still starting leaves nothing behind")
    void interrupted_during_startup_cleans_up(@TempDir Path tmp) throws Exception {
        for (long delayMs : new long[] {800, 2500}) {
            Process p = start(tmp, tmp.resolve("o.txt"), tmp.resolve("e.txt"), "status");
            Thread.sleep(delayMs);
            p.destroy();
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(embeddedDirectories(tmp)).as("left behind after SIGTERM at %d ms", delayMs).isEmpty();
        }
    }

    @Test
    @DisplayName("interrupting the process (SIGTERM, as Ctrl-C) still stops and deletes the embedded server")
    void interrupted_process_cleans_up_the_embedded_server(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = start(tmp, out, err, "rehearse", "--scale", "1", "--report", "none");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.readString(err).contains("rehearsal: rollback") && System.nanoTime() < deadline && p.isAlive()) {
            Thread.sleep(200);
        }
        assertThat(p.isAlive()).as("still rehearsing when interrupted").isTrue();
        assertThat(embeddedDirectories(tmp)).as("server running").isNotEmpty();
        p.destroy();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(embeddedDirectories(tmp)).as("embedded server directories left behind").isEmpty();
        assertThat(new File(tmp.toFile(), "docs")).doesNotExist();
    }
}
