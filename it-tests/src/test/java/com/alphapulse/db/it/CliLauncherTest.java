package com.alphapulse.db.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/alphapulse, the launcher README's start-time section recommends, as a process: it is the jar with the same
 * output and exit codes, on its first run (which writes the command's AppCDS archive) and on later ones (which map it).
 */
class CliLauncherTest {

    static final Path LAUNCHER = Path.of("..", "bin", "alphapulse").toAbsolutePath().normalize();
    static final PostgresProvider PG = PostgresProvider.shared();
    static final Database DB = PG.createDatabase("cli_launcher");

    @AfterAll
    static void drop() {
        PG.dropDatabase(DB);
    }

    record Result(int exit, String out, String err) {}

    static Result run(Path tmp, Path cds, String... args) throws Exception {
        return run(tmp, cds, java.util.Map.of(), args);
    }

    static Result run(Path tmp, Path cds, java.util.Map<String, String> env, String... args) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("PGPASSWORD", DB.adminPassword());
        pb.environment().put("XDG_CACHE_HOME", cds.toString());
        // the archives go beside a copy of the jar, so this test never shares (or races) the build's own
        pb.environment().put("ALPHAPULSE_JAR", tmp.resolve("cli.jar").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("finished").isTrue();
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** A copy of the build's jar in {@code tmp} (its archives go beside it) and DB at head. */
    static void jarAndHead(Path tmp) throws Exception {
        Files.copy(CliJarTest.JAR, tmp.resolve("cli.jar"));
        MigrationEngine.configure().dataSource(DB.dataSource()).load().upgrade("head");
    }

    static List<String> archives(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jsa")).sorted().toList();
        }
    }

    @Test
    @DisplayName("the launcher's status -o json is the jar's JSON and exit code on the run that writes the archive and on the runs "
            + "that map it, one archive per command; bad input keeps its exit code 2")
    void launcher_is_the_jar_with_an_archive(@TempDir Path tmp) throws Exception {
        jarAndHead(tmp);
        String[] status = {"status", "-o", "json", "--url", DB.jdbcUrl(), "--user", DB.adminUser()};

        Result first = run(tmp, tmp, status);
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out().strip()).as("one JSON object and nothing else on stdout").startsWith("{").endsWith("}")
                .containsPattern("\"currentVersion\"\\s*:\\s*\"011\"");
        for (int i = 0; i < 2; i++) {
            Result later = run(tmp, tmp, status);
            assertThat(later.exit()).as(later.err()).isZero();
            assertThat(later.out().strip()).startsWith("{").endsWith("}").containsPattern("\"currentVersion\"\\s*:\\s*\"011\"");
        }
        assertThat(archives(tmp)).as("status's archive, next to the jar").singleElement().asString().startsWith("cli-status-");

        Result bad = run(tmp, tmp, "downgrade");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err().strip().lines()).hasSize(1);
        assertThat(bad.out()).isEmpty();
    }

    @Test
    @DisplayName("status, verify and plan load no jOOQ implementation class and no Flyway class (what their start time rests "
            + "on); plan --sql does load jOOQ (to render the script's literals) and an upgrade of 011 Flyway, so the check sees both")
    void reading_commands_load_neither_jooq_nor_flyway(@TempDir Path tmp) throws Exception {
        jarAndHead(tmp);
        for (String command : List.of("status", "verify", "plan -1")) {
            List<String> loaded = classesLoaded(tmp, command);
            assertThat(loaded).as(command).noneMatch(l -> l.contains(" org.jooq.impl.")).noneMatch(l -> l.contains(" org.flywaydb."));
        }
        assertThat(classesLoaded(tmp, "plan -1 --sql")).anyMatch(l -> l.contains(" org.jooq.impl."));
        MigrationEngine.configure().dataSource(DB.dataSource()).load().downgrade("-1", com.alphapulse.db.engine.DowngradeOptions.defaults());
        assertThat(classesLoaded(tmp, "upgrade head")).anyMatch(l -> l.contains(" org.flywaydb.core.Flyway "));
    }

    /** The class-load log (-Xlog:class+load) of {@code command} run through the launcher on DB, which must succeed. */
    private static List<String> classesLoaded(Path tmp, String command) throws Exception {
        Path log = tmp.resolve("classes-" + command.replaceAll("\\W+", "_") + ".txt");
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.addAll(List.of("--url", DB.jdbcUrl(), "--user", DB.adminUser()));
        Result r = run(tmp, tmp, java.util.Map.of("ALPHAPULSE_CDS", "off", "JAVA_OPTS", "-Xlog:class+load:file=" + log),
                args.toArray(String[]::new));
        assertThat(r.exit()).as("%s: %s", command, r.err()).isZero();
        List<String> loaded = Files.readAllLines(log);
        assertThat(loaded).as("the class-load log of %s", command).hasSizeGreaterThan(1000);
        return loaded;
    }
}
