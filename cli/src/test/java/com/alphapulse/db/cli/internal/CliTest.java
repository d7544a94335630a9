package com.alphapulse.db.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.cli.ExitCode;
import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliTest {

    static final PostgresProvider PG = PostgresProvider.shared();
    static final Database DB = PG.createDatabase("cli");

    @TempDir
    static Path tmp;

    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return Output.json().readTree(out);
        }
    }

    static Run run(String... args) {
        return run(environment(), args);
    }

    /**
     * An environment of its own: the build machine's PG* variables or ~/.pgpass must not change what a test proves.
     * Other test classes run commands through here too, where this class's @TempDir is not set.
     */
    static Environment environment() {
        Path dir = tmp != null ? tmp : Scratch.DIR;
        return new Environment(java.util.Map.of(), dir, dir, System.getProperty("user.name"));
    }

    /** The command in {@code environment} (e.g. {@code environment().typing("no\n")}). */
    static Run run(Environment environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // as Main builds it: only the subcommand the arguments name
        picocli.CommandLine cli = Cli.commandLine(new PrintWriter(out), new PrintWriter(err), environment, args);
        int exit = cli.execute(args);
        cli.getOut().flush();
        cli.getErr().flush();
        return new Run(exit, out.toString(), err.toString());
    }

    /** An empty working and home directory for runs from other test classes, made once per JVM. */
    private static final class Scratch {
        static final Path DIR = create();

        private static Path create() {
            try {
                Path dir = java.nio.file.Files.createTempDirectory("cli-test-home");
                dir.toFile().deleteOnExit();
                return dir;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** The command with this test's database appended as --url/--user. */
    static Run on(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", DB.jdbcUrl(), "--user", DB.adminUser(), "--quiet"));
        return run(all.toArray(String[]::new));
    }

    @AfterAll
    static void drop() {
        PG.dropDatabase(DB);
    }

    static long count(String sql) throws SQLException {
        try (Connection c = DB.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    @Order(1)
    @DisplayName("--help lists every command and the documented exit codes")
    void help_lists_commands_and_exit_codes() {
        Run r = run("--help");
        assertThat(r.exit()).isZero();
        for (String command : List.of("status", "history", "upgrade", "downgrade", "plan", "verify", "stamp", "repair",
                "probe", "rls-overhead", "demo-data", "rehearse", "runbook", "completion")) {
            assertThat(r.out()).contains(command);
        }
        for (ExitCode code : ExitCode.values()) {
            assertThat(r.out()).contains(code.meaning());
        }
        Run sub = run("downgrade", "--help");
        assertThat(sub.out()).contains("--accept-data-loss", "--reason", "Exit codes");
        for (String command : List.of("status", "history", "upgrade", "downgrade", "plan", "verify", "stamp", "repair",
                "probe", "rls-overhead", "demo-data", "rehearse", "runbook")) {
            Run help = run(command, "--help");
            assertThat(help.exit()).as(command + " --help: " + help.err()).isZero();
            assertThat(help.out()).as(command + " --help").contains("Usage: cli.jar " + command, "Example");
        }
    }

    @Test
    @Order(1)
    @DisplayName("a run that names a command builds only that command, a bare --version none; help and the rest get them all")
    void only_the_named_command_is_built() {
        PrintWriter sink = new PrintWriter(new StringWriter());
        assertThat(Cli.commandLine(sink, sink, environment(), "status", "--url", "x").getSubcommands().keySet())
                .containsExactly("status");
        assertThat(Cli.commandLine(sink, sink, environment(), "archive", "list").getSubcommands().get("archive")
                .getSubcommands().keySet()).containsExactly("list", "purge");
        assertThat(Cli.commandLine(sink, sink, environment(), "--version").getSubcommands()).isEmpty();
        List<String> all = List.of("status", "history", "upgrade", "downgrade", "plan", "verify", "stamp", "repair",
                "probe", "rls-overhead", "demo-data", "rehearse", "runbook", "provision", "archive", "completion");
        for (String[] args : new String[][] {{}, {"--help"}, {"help"}, {"completion"}, {"statu"}, {"--version", "status"}}) {
            assertThat(Cli.commandLine(sink, sink, environment(), args).getSubcommands().keySet()).as(String.join(" ", args))
                    .containsExactlyElementsOf(all);
        }
        Run version = run(environment(), "status", "--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).contains("alphapulse-db 0.1.0");
    }

    @Test
    @Order(2)
    @DisplayName("bad input gets one line on stderr, the documented exit code, and no stack trace")
    void bad_input_is_one_line_with_its_exit_code() {
        Run unknownCommand = run("frobnicate");
        assertThat(unknownCommand.exit()).isEqualTo(ExitCode.USAGE.code());
        assertThat(unknownCommand.err().strip().lines()).hasSize(1);

        Run unknownOption = run("status", "--bogus");
        assertThat(unknownOption.exit()).isEqualTo(ExitCode.USAGE.code());
        assertThat(unknownOption.err().strip().lines()).hasSize(1);

        Run badUrl = run("status", "--url", "mysql://nope", "--password", "s3cret-pw");
        assertThat(badUrl.exit()).isEqualTo(ExitCode.USAGE.code());
        assertThat(badUrl.err()).contains("not a PostgreSQL URL").doesNotContain("s3cret-pw");
        assertThat(badUrl.err().strip().lines()).hasSize(1);

        Run unreachable = run("status", "--url", "jdbc:postgresql://127.0.0.1:1/x", "--user", "u", "--password", "s3cret-pw");
        assertThat(unreachable.exit()).isEqualTo(ExitCode.CANNOT_CONNECT.code());
        assertThat(unreachable.err()).doesNotContain("s3cret-pw").doesNotContain("\tat ");
        assertThat(unreachable.err().strip().lines()).hasSize(1);

        Run unknownVersion = on("verify", "--version", "004");
        assertThat(unknownVersion.exit()).isEqualTo(ExitCode.USAGE.code());
        assertThat(unknownVersion.err()).contains("unknown schema version '004'");
        assertThat(unknownVersion.err().strip().lines()).hasSize(1);

        Run noHost = run("status", "--url", "jdbc:postgresql:///alphapulse");
        assertThat(noHost.exit()).isEqualTo(ExitCode.USAGE.code());
        assertThat(noHost.err()).contains("no host");

        Run badLoad = run("rehearse", "--load", "99");
        assertThat(badLoad.exit()).isEqualTo(ExitCode.USAGE.code());
        assertThat(badLoad.err()).contains("--load must be between 0 and 64");
        assertThat(badLoad.err().strip().lines()).hasSize(1);

        Run badScale = run("demo-data", "--scale", "-1");
        assertThat(badScale.exit()).isEqualTo(ExitCode.USAGE.code());
        assertThat(badScale.err()).as("refused before any server starts").doesNotContain("embedded");

        Run probeWithoutServer = run("probe");
        assertThat(probeWithoutServer.exit()).isEqualTo(ExitCode.USAGE.code());
        assertThat(probeWithoutServer.err()).contains("--url").doesNotContain("embedded");

        Run unattended = on("downgrade", "-1");
        assertThat(unattended.exit()).as("no terminal and no --yes").isEqualTo(ExitCode.USAGE.code());
        assertThat(unattended.err()).contains("--yes");

        Run verifyUnmigrated = on("verify");
        assertThat(verifyUnmigrated.exit()).isEqualTo(ExitCode.REFUSED_STATE.code());
        assertThat(verifyUnmigrated.err()).contains("no version is recorded");

        Run noHistory = on("downgrade", "-1", "--yes");
        assertThat(noHistory.exit()).isEqualTo(ExitCode.REFUSED_STATE.code());
        assertThat(noHistory.err().strip().lines()).hasSize(1);
    }

    @Test
    @Order(3)
    @DisplayName("upgrade, status, verify, demo data, probe and the RLS overhead work on a server named by --url")
    void forward_commands_on_a_server() throws Exception {
        Run up = on("upgrade", "head", "--reason", "cli test");
        assertThat(up.exit()).as(up.err()).isZero();
        assertThat(up.out()).contains("upgraded base -> 011", "UP   007", "UP   009", "UP   010", "UP   011");

        Run status = on("status", "-o", "json");
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.json().get("currentVersion").asText()).isEqualTo("011");
        assertThat(status.json().get("catalog").get("matchesRecorded").asBoolean()).isTrue();

        Path junit = tmp.resolve("verify.xml");
        Run verify = on("verify", "--junit", junit.toString());
        assertThat(verify.exit()).as(verify.out()).isZero();
        assertThat(verify.out()).contains("PASS: the database is at 011");
        assertThat(Files.readString(junit)).contains("<testsuite", "testcase").doesNotContain("<failure");
        // JSON renders the set's version (a class, not a record) and Version values by their labels.
        Run verifyJson = on("verify", "-o", "json");
        assertThat(verifyJson.exit()).as(verifyJson.err()).isZero();
        assertThat(verifyJson.json().get("version").get("version").asText()).isEqualTo("011");
        assertThat(verifyJson.json().get("version").get("undoScript").asText()).isEqualTo("U011__no_tenant_in_scope_error.sql");
        Run plan = on("plan", "-1", "-o", "json");
        assertThat(plan.exit()).as(plan.err()).isZero();
        assertThat(plan.json().get("toVersion").asText()).isEqualTo("010");
        assertThat(plan.json().get("steps").get(0).get("version").asText()).isEqualTo("011");

        Run data = on("demo-data", "--tenants", "2", "--scale", "0.02", "-o", "json");
        assertThat(data.exit()).as(data.err()).isZero();
        assertThat(data.json().get("rows").get("trades").asLong()).isEqualTo(2000);

        Run probe = on("probe");
        assertThat(probe.exit()).as(probe.out()).isZero();
        assertThat(probe.out()).contains("PASS");

        Run overhead = on("rls-overhead", "--iterations", "3");
        assertThat(overhead.exit()).as(overhead.err()).isZero();
        assertThat(overhead.out()).contains("overhead", "worst overhead");
    }

    @Test
    @Order(4)
    @DisplayName("plan, downgrade with --reason, history, refusal of unarchived loss, and upgrade back")
    void rollback_commands_on_a_server() throws Exception {
        Run plan = on("plan", "006");
        assertThat(plan.exit()).as(plan.err()).isZero();
        assertThat(plan.out()).contains("risk MEDIUM", "trades.tenant_id", "SECURITY");

        Run refused = on("downgrade", "006", "--yes", "--no-archive");
        assertThat(refused.exit()).isEqualTo(ExitCode.DATA_LOSS_REFUSED.code());
        assertThat(refused.err().strip().lines()).hasSize(1);
        assertThat(count("SELECT count(*) FROM information_schema.columns WHERE table_name = 'trades' AND column_name = 'tenant_id'")).isOne();

        Run down = on("downgrade", "-1", "--yes", "--reason", "INC-42 slow queries");
        assertThat(down.exit()).as(down.err()).isZero();
        assertThat(down.out()).contains("downgraded 011 -> 010");
        assertThat(on("verify", "--version", "010").exit()).isZero();
        Run wrongVersion = on("verify", "--version", "011");
        assertThat(wrongVersion.exit()).isEqualTo(ExitCode.VERIFICATION_FAILED.code());
        assertThat(wrongVersion.out()).contains("trades_tenant_isolation_select");

        Run history = on("history", "-o", "json");
        assertThat(history.exit()).isZero();
        assertThat(history.out()).contains("INC-42 slow queries", "\"DOWN\"");

        Run back = on("upgrade", "+1");
        assertThat(back.exit()).as(back.err()).isZero();
        Run repair = on("repair");
        assertThat(repair.exit()).as(repair.err()).isZero();
        assertThat(repair.out()).contains("nothing to repair");
        assertThat(on("status").out()).contains("recorded version: 011");
    }

    @Test
    @Order(5)
    @DisplayName("verify reports a tampered policy with exit code 3 and a failing JUnit case")
    void verify_catches_tampering() throws Exception {
        try (Connection c = DB.connect(); Statement s = c.createStatement()) {
            s.execute("DROP POLICY trades_tenant_isolation_select ON trades");
        }
        Path junit = tmp.resolve("tampered.xml");
        Run verify = on("verify", "--junit", junit.toString());
        assertThat(verify.exit()).isEqualTo(ExitCode.VERIFICATION_FAILED.code());
        assertThat(verify.out()).contains("trades_tenant_isolation_select", "FAIL");
        assertThat(Files.readString(junit)).contains("<failure").contains("trades_tenant_isolation_select");
        Run status = on("status");
        assertThat(status.exit()).isEqualTo(ExitCode.VERIFICATION_FAILED.code());
        try (Connection c = DB.connect(); Statement s = c.createStatement()) {
            // put back as the head version (011) has it
            s.execute("CREATE POLICY trades_tenant_isolation_select ON trades FOR SELECT TO PUBLIC "
                    + "USING (tenant_id = (SELECT alphapulse_current_tenant()))");
        }
        assertThat(on("verify").exit()).isZero();
    }

    @Test
    @Order(6)
    @DisplayName("rehearse with --url works on its own scratch database and never touches the named one")
    void rehearse_on_a_server_uses_a_scratch_database() throws Exception {
        long tablesBefore = count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
        Path junit = tmp.resolve("rehearsal.xml");
        Path report = tmp.resolve("rehearsal.json");
        Run r = on("rehearse", "--scale", "0.02", "--junit", junit.toString(), "--report", report.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("| " + AlphaPulseSchema.migrations().head().label() + " -> " + AlphaPulseSchema.migrations().first().label(), "verdict: PASS", "within target");
        assertThat(Files.readString(junit)).contains("data intact").doesNotContain("<failure");
        assertThat(count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).isEqualTo(tablesBefore);
        try (Connection c = PG.adminDatabase().connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE 'alphapulse_rehearsal%'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("scratch databases left behind").isZero();
        }

        Path runbook = tmp.resolve("runbook.md");
        Run book = run("runbook", "--rehearsal", report.toString(), "--out", runbook.toString());
        assertThat(book.exit()).as(book.err()).isZero();
        assertThat(Files.readString(runbook)).contains("# AlphaPulse rollback runbook", "**PASSED**", "| 007 domain tenant id | MEDIUM | yes |");
    }

    @Test
    @Order(7)
    @DisplayName("upgrade and downgrade refuse a catalog that does not match the recorded version with exit 7 naming the difference; --force overrides")
    void drifted_catalog_is_refused_unless_forced() throws Exception {
        try (Connection c = DB.connect(); Statement s = c.createStatement()) {
            s.execute("DROP INDEX public.idx_trades_tenant_id");
        }
        Run down = on("downgrade", "-1", "--yes");
        assertThat(down.exit()).isEqualTo(ExitCode.REFUSED_STATE.code());
        assertThat(down.err()).contains("the live catalog is not at 011", "idx_trades_tenant_id", "[CATALOG_MISMATCH]");
        assertThat(down.err().strip().lines()).hasSize(1);
        assertThat(on("status").out()).contains("recorded version: 011");

        Run forcedDown = on("downgrade", "-1", "--yes", "--force");
        assertThat(forcedDown.exit()).as(forcedDown.err()).isZero();
        assertThat(forcedDown.out()).contains("downgraded 011 -> 010");
        Run up = on("upgrade", "head");
        assertThat(up.exit()).isEqualTo(ExitCode.REFUSED_STATE.code());
        assertThat(up.err()).contains("the live catalog is not at 010", "idx_trades_tenant_id");
        Run forcedUp = on("upgrade", "head", "--force");
        assertThat(forcedUp.exit()).as(forcedUp.err()).isZero();

        try (Connection c = DB.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE INDEX idx_trades_tenant_id ON public.trades (tenant_id)");
        }
        assertThat(on("verify").exit()).isZero();
    }

    @Test
    @Order(8)
    @DisplayName("verify takes no engine options, and --strict fails on warnings too (exit 3)")
    void verify_strict_and_no_engine_options() throws Exception {
        Run engineOption = on("verify", "--lock-timeout", "3");
        assertThat(engineOption.exit()).isEqualTo(ExitCode.USAGE.code());
        assertThat(engineOption.err()).contains("--lock-timeout");
        assertThat(on("verify", "--reason", "x").exit()).isEqualTo(ExitCode.USAGE.code());
        assertThat(run("verify", "--help").out()).contains("--strict").doesNotContain("--lock-timeout", "--reason");

        assertThat(on("verify", "--strict").exit()).as("no warnings").isZero();
        try (Connection c = DB.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE public.adhoc_export (id int PRIMARY KEY)");
        }
        try {
            Run lenient = on("verify");
            assertThat(lenient.exit()).as(lenient.out()).isZero();
            assertThat(lenient.out()).contains("WARNING", "adhoc_export", "PASS");
            Run strict = on("verify", "--strict");
            assertThat(strict.exit()).isEqualTo(ExitCode.VERIFICATION_FAILED.code());
            assertThat(strict.out()).contains("adhoc_export", "FAIL (--strict)");
        } finally {
            try (Connection c = DB.connect(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE public.adhoc_export");
            }
        }
    }

    @Test
    @Order(9)
    @DisplayName("with ?currentSchema=reporting in the URL, verify, stamp, status and upgrade see schema public exactly")
    void another_current_schema_in_the_url() throws Exception {
        try (Connection c = DB.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS reporting");
        }
        String url = DB.jdbcUrl() + "?currentSchema=reporting";
        Run verify = run("verify", "--url", url, "--user", DB.adminUser(), "--quiet");
        assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("verify 011: 0 errors, 0 warnings");
        Run stamp = run("stamp", "011", "--url", url, "--user", DB.adminUser(), "--quiet");
        assertThat(stamp.exit()).as(stamp.err()).isZero();
        Run status = run("status", "--url", url, "--user", DB.adminUser(), "--quiet");
        assertThat(status.exit()).as(status.out() + status.err()).isZero();
        Run down = run("downgrade", "-1", "--yes", "--url", url, "--user", DB.adminUser(), "--quiet");
        assertThat(down.exit()).as(down.err()).isZero();
        Run up = run("upgrade", "head", "--url", url, "--user", DB.adminUser(), "--quiet");
        assertThat(up.exit()).as(up.err()).isZero();
        assertThat(up.out()).contains("upgraded 010 -> 011");
    }

    @Test
    @DisplayName("every engine and verification failure code maps to its documented exit code")
    void failure_codes_map_to_exit_codes() {
        assertThat(Cli.exitCode(new MigrationException(MigrationException.Code.LOCKED, "x"))).isEqualTo(ExitCode.LOCKED);
        assertThat(Cli.exitCode(new MigrationException(MigrationException.Code.DATA_LOSS_REFUSED, "x"))).isEqualTo(ExitCode.DATA_LOSS_REFUSED);
        assertThat(Cli.exitCode(new MigrationException(MigrationException.Code.CONNECTION_FAILED, "x"))).isEqualTo(ExitCode.CANNOT_CONNECT);
        assertThat(Cli.exitCode(new MigrationException(MigrationException.Code.LOCK_TIMEOUT, "x"))).isEqualTo(ExitCode.LOCK_TIMEOUT);
        assertThat(Cli.exitCode(new MigrationException(MigrationException.Code.PRECONDITION_FAILED, "x"))).isEqualTo(ExitCode.REFUSED_STATE);
        assertThat(Cli.exitCode(new MigrationException(MigrationException.Code.UNKNOWN_VERSION, "x"))).isEqualTo(ExitCode.USAGE);
        assertThat(Cli.exitCode(new MigrationException(MigrationException.Code.INVALID_CONFIGURATION, "x"))).isEqualTo(ExitCode.USAGE);
        assertThat(Cli.exitCode(new MigrationException(MigrationException.Code.CHECKSUM_MISMATCH, "x"))).isEqualTo(ExitCode.REFUSED_STATE);
        assertThat(Cli.exitCode(new MigrationException(MigrationException.Code.CATALOG_MISMATCH, "x"))).isEqualTo(ExitCode.REFUSED_STATE);
        assertThat(Cli.exitCode(new MigrationException(MigrationException.Code.FAILED, "x"))).isEqualTo(ExitCode.FAILURE);
        assertThat(Cli.exitCode(new IllegalStateException("x"))).isEqualTo(ExitCode.FAILURE);
        List<Integer> codes = java.util.Arrays.stream(ExitCode.values()).map(ExitCode::code).toList();
        assertThat(codes).doesNotHaveDuplicates();
    }

    @Test
    @Order(20)
    @DisplayName("-V and --version print the tool's version on every command, verify included")
    void version_on_every_command() {
        List<List<String>> commands = new ArrayList<>();
        for (String c : List.of("status", "history", "upgrade", "downgrade", "plan", "verify", "stamp", "repair", "probe",
                "rls-overhead", "demo-data", "rehearse", "runbook", "provision")) {
            commands.add(List.of(c));
        }
        commands.add(List.of("archive", "list"));
        commands.add(List.of("archive", "purge"));
        for (List<String> c : commands) {
            for (String flag : List.of("-V", "--version")) {
                List<String> args = new ArrayList<>(c);
                args.add(flag);
                Run r = run(args.toArray(String[]::new));
                assertThat(r.exit()).as(args + ": " + r.err()).isZero();
                assertThat(r.out()).as(args.toString()).contains("alphapulse-db");
            }
        }
        assertThat(on("verify", "--version", "004").err()).as("--version N still names a schema version")
                .contains("unknown schema version '004'");
    }

    @Test
    @Order(21)
    @DisplayName("with -o json every error is also one JSON object on stdout, and stderr keeps its one line")
    void json_errors_on_stdout() throws Exception {
        Run refused = run("status", "--url", "jdbc:postgresql://127.0.0.1:1/x", "--user", "u", "-o", "json");
        assertThat(refused.exit()).isEqualTo(ExitCode.CANNOT_CONNECT.code());
        assertThat(refused.err().strip().lines()).singleElement().asString().startsWith("error: connection refused by 127.0.0.1:1");
        JsonNode error = refused.json();
        assertThat(error.get("error").asText()).startsWith("connection refused by 127.0.0.1:1");
        assertThat(error.get("code").asText()).isEqualTo("CONNECTION_REFUSED");
        assertThat(error.get("exitCode").asInt()).isEqualTo(6);

        Run usage = run("status", "-o", "json", "--bogus");
        assertThat(usage.exit()).isEqualTo(ExitCode.USAGE.code());
        assertThat(usage.json().get("code").asText()).isEqualTo("USAGE");
        assertThat(usage.json().get("exitCode").asInt()).isEqualTo(2);

        Run library = on("verify", "--version", "004", "-o", "json");
        assertThat(library.json().get("code").asText()).as("the library's own code").isEqualTo("UNKNOWN_VERSION");
        assertThat(library.json().get("exitCode").asInt()).isEqualTo(ExitCode.USAGE.code());

        Run text = run("status", "--url", "jdbc:postgresql://127.0.0.1:1/x", "--user", "u");
        assertThat(text.out()).as("no JSON without -o json").isEmpty();
    }

    @Test
    @Order(22)
    @DisplayName("--lock-retries 0 is one attempt; the progress line names the target version; history columns align")
    void lock_retries_zero_progress_target_and_history() throws Exception {
        Database db = PG.createDatabase("cli_retries");
        try {
            List<String> conn = List.of("--url", db.jdbcUrl(), "--user", db.adminUser());
            assertThat(run(concat(List.of("upgrade", "--quiet", "--lock-retries", "0"), conn)).exit()).isZero();
            try (Connection holder = db.connect(); Statement s = holder.createStatement()) {
                holder.setAutoCommit(false);
                s.execute("LOCK TABLE trades IN ACCESS SHARE MODE");
                Run blocked = run(concat(List.of("downgrade", "-1", "--yes", "--lock-retries", "0", "--lock-timeout", "0.2"), conn));
                assertThat(blocked.exit()).as(blocked.err()).isEqualTo(ExitCode.LOCK_TIMEOUT.code());
                assertThat(blocked.err()).contains("after 1 attempt(s)").doesNotContain("retrying in");
                holder.rollback();
            }
            String head = AlphaPulseSchema.migrations().head().label();
            String below = AlphaPulseSchema.migrations().versions().get(AlphaPulseSchema.migrations().versions().size() - 2).label();
            Run down = run(concat(List.of("downgrade", "-1", "--yes"), conn));
            assertThat(down.exit()).as(down.err()).isZero();
            assertThat(down.err()).contains("to " + below + " (-1)").doesNotContain("to -1");
            Run up = run(concat(List.of("upgrade", "+1"), conn));
            assertThat(up.err()).contains("to " + head + " (+1)");

            Run history = run(concat(List.of("history", "--quiet"), conn));
            List<String> lines = history.out().lines().toList();
            int outcome = lines.get(0).indexOf("outcome");
            int archived = lines.get(0).indexOf("archived") + "archived".length();
            assertThat(lines).hasSizeGreaterThan(2);
            for (String line : lines.subList(1, lines.size())) {
                assertThat(line.charAt(outcome)).as("outcome column starts at the header's offset: " + line).isNotEqualTo(' ');
                assertThat(line.charAt(outcome - 1)).as(line).isEqualTo(' ');
                assertThat(line.charAt(archived - 1)).as("right-aligned number ends under its header: " + line).isBetween('0', '9');
            }
        } finally {
            PG.dropDatabase(db);
        }
    }

    static String[] concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all.toArray(String[]::new);
    }
}
