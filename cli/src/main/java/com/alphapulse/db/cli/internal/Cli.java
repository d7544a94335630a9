package com.alphapulse.db.cli.internal;

import com.alphapulse.db.cli.ExitCode;
import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.postgres.PostgresException;
import com.alphapulse.db.migrations.SchemaException;
import com.alphapulse.db.verification.VerificationException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root command and the one place where failures become a one-line message and an exit code. */
@Command(name = "cli.jar", mixinStandardHelpOptions = true, version = "alphapulse-db 0.1.0",
        description = "AlphaPulse database toolkit: migrate, roll back without losing tenant data, verify, rehearse.",
        footer = {"", "The server: --url (postgres:// or jdbc:postgresql://), else ALPHAPULSE_DB_URL/_USER/_PASSWORD, else PGHOST,",
                "PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGSSLMODE, PGSERVICE (pg_service.conf), else the config file",
                "(--config FILE, ALPHAPULSE_CONFIG, ./alphapulse.conf); passwords also from ~/.pgpass (PGPASSFILE).",
                "When nothing names a server, every command runs on a new embedded PostgreSQL that is deleted on exit.",
                "", "Example:", "  java -jar cli.jar rehearse"})
public final class Cli implements java.util.concurrent.Callable<Integer> {

    /**
     * The subcommands by name, in the order the usage lists them. Not in the annotation: picocli builds the model of
     * every registered command (each option, by reflection) before it parses anything, which is most of the start
     * of a command; a run that names one gets only that one (see {@link #commandLine(PrintWriter, PrintWriter,
     * Environment, String...)}).
     */
    private static final Map<String, Class<?>> COMMANDS = commands();

    private static Map<String, Class<?>> commands() {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        // each by the name its own @Command gives it: one place per name
        for (Class<?> c : List.of(StatusCommand.class, HistoryCommand.class, UpgradeCommand.class, DowngradeCommand.class,
                PlanCommand.class, VerifyCommand.class, StampCommand.class, RepairCommand.class, ProbeCommand.class,
                RlsOverheadCommand.class, DemoDataCommand.class, RehearseCommand.class, RunbookCommand.class,
                ProvisionCommand.class, ArchiveCommand.class)) {
            m.put(c.getAnnotation(Command.class).name(), c);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Environment environment;

    private Cli(Environment environment) {
        this.environment = environment;
    }

    /** A command line that writes results to {@code out} and messages to {@code err}, in this process's environment. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, Environment.system());
    }

    /**
     * The command line for running exactly {@code args} ({@code execute(args)}): when they name a subcommand, only
     * that one is built, and for a bare {@code --version} none; anything else (help, no or an unknown command,
     * completion) gets them all. What runs and prints is the same either way.
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err, String... args) {
        return commandLine(out, err, Environment.system(), args);
    }

    /** The same in a given environment (variables, working and home directory), for tests. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, Environment environment, String... args) {
        String first = args.length > 0 ? args[0] : null;
        if (first != null && COMMANDS.containsKey(first)) {
            return commandLine(out, err, environment, Map.of(first, COMMANDS.get(first)), false);
        }
        if (args.length == 1 && (first.equals("--version") || first.equals("-V"))) {
            return commandLine(out, err, environment, Map.of(), false);
        }
        return commandLine(out, err, environment);
    }

    /** The same with every subcommand, for tests. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, Environment environment) {
        return commandLine(out, err, environment, COMMANDS, true);
    }

    private static CommandLine commandLine(PrintWriter out, PrintWriter err, Environment environment,
            Map<String, Class<?>> commands, boolean completion) {
        out = new PrintWriter(new Redacting(out), true);
        err = new PrintWriter(new Redacting(err), true);
        CommandLine cli = new CommandLine(new Cli(environment));
        commands.forEach(cli::addSubcommand);
        if (completion) {
            cli.addSubcommand("completion", new AutoComplete.GenerateCompletion());
        }
        cli.setUsageHelpWidth(120);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String message = message(e);
            ExitCode exit = exitCode(e);
            String signal = Interruption.signal();
            boolean json = json(commandLine, parseResult.originalArgs().toArray(String[]::new));
            if (signal != null) {
                // whatever failed once the signal came failed because of it: one line saying what was left
                commandLine.getErr().println("interrupted (" + signal + "): " + message);
                commandLine.getErr().flush();
                if (json) {
                    jsonError(commandLine.getOut(), "interrupted (" + signal + "): " + message, "INTERRUPTED", null,
                            Interruption.exitCode(signal));
                }
                return Interruption.exitCode(signal);
            }
            commandLine.getErr().println("error: " + message);
            commandLine.getErr().flush();
            if (json) {
                jsonError(commandLine.getOut(), message, errorCode(e, exit), exit);
            }
            return exit.code();
        });
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            String message = e.getMessage() + " (see '" + c.getCommandSpec().qualifiedName() + " --help')";
            c.getErr().println("error: " + message);
            c.getErr().flush();
            if (json(null, args)) {
                jsonError(c.getOut(), message, ExitCode.USAGE.name(), ExitCode.USAGE);
            }
            return ExitCode.USAGE.code();
        });
        versions(cli, cli.getCommandSpec().version());
        Map<String, String> codes = new LinkedHashMap<>();
        for (ExitCode c : ExitCode.values()) {
            codes.put(String.valueOf(c.code()), c.meaning());
        }
        codes.put("130", "interrupted by SIGINT (Ctrl-C): the step in flight rolled back and journaled INTERRUPTED");
        codes.put("143", "interrupted by SIGTERM: the same");
        exitCodes(cli, codes);
        return cli;
    }

    /** -V/--version on every command prints the tool's version, not an empty line. */
    private static void versions(CommandLine cli, String[] version) {
        cli.getCommandSpec().version(version);
        cli.getSubcommands().values().forEach(sub -> versions(sub, version));
    }

    /**
     * For {@code Main} only: SIGINT and SIGTERM stop the running command cleanly (see {@link Interruption}) instead of
     * ending the JVM mid-statement.
     */
    public static void handleSignals() {
        Interruption.install(Thread.currentThread(), System.err);
    }

    /**
     * The exit status once {@code execute} returned {@code exit}: a command that finished although a signal came
     * (the signal arrived as it ended, or a command that reports failures as rows) says so in one line.
     */
    public static int afterSignal(int exit, PrintWriter err) {
        String signal = Interruption.signal();
        // Ctrl-C at the confirmation prompt is an answer: no. The command said "cancelled" and changed nothing.
        if (signal == null || exit == Interruption.exitCode(signal) || exit == ExitCode.CANCELLED.code()) {
            return exit;
        }
        err.println(exit == 0 ? "interrupted (" + signal + ") as the command finished: it completed, see its output"
                : "interrupted (" + signal + "): the command stopped (exit " + exit + " before the signal's)");
        err.flush();
        return exit == 0 ? 0 : Interruption.exitCode(signal);
    }

    /** The environment the root command was made with, for a subcommand's {@code spec}. */
    static Environment environment(CommandLine.Model.CommandSpec spec) {
        Object root = spec.root().userObject();
        return root instanceof Cli c ? c.environment : Environment.system();
    }

    /** Whether the failed command was asked for JSON: by its resolved options, or, before those, by its arguments. */
    static boolean json(CommandLine command, String[] args) {
        if (command != null && command.getCommandSpec().mixins().get("output") != null
                && command.getCommandSpec().mixins().get("output").userObject() instanceof OutputOptions o && o.format != null) {
            return o.json();
        }
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-ojson") || a.equals("-o=json") || a.equals("--output=json")
                    || ((a.equals("-o") || a.equals("--output")) && i + 1 < args.length && args[i + 1].equals("json"))) {
                return true;
            }
        }
        return false;
    }

    /** The error as one JSON object on stdout, for scripts that read only stdout; stderr keeps its line. */
    static void jsonError(PrintWriter out, String message, String code, ExitCode exit) {
        jsonError(out, message, code, exit, exit.code());
    }

    private static void jsonError(PrintWriter out, String message, String code, ExitCode exit, int exitCode) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("error", message);
        error.put("code", code);
        error.put("exitCode", exitCode);
        try {
            out.println(Output.json().writeValueAsString(error));
        } catch (com.fasterxml.jackson.core.JsonProcessingException impossible) {
            throw new UncheckedIOException(impossible);
        }
        out.flush();
    }

    /** The most specific code a script can switch on: the library's error code, else the connection failure's, else the exit code's name. */
    static String errorCode(Throwable e, ExitCode exit) {
        if (e instanceof MigrationException m) {
            return m.code().name();
        }
        if (e instanceof VerificationException v) {
            return v.code().name();
        }
        if (e instanceof SchemaException s) {
            return s.code().name();
        }
        if (e instanceof ConnectionFailure c) {
            return c.reason().name();
        }
        return exit.name();
    }

    private static void exitCodes(CommandLine cli, Map<String, String> codes) {
        cli.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
        cli.getSubcommands().values().forEach(sub -> exitCodes(sub, codes));
    }

    @Override
    public Integer call() {
        // no command: the usage is the most useful answer
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code();
    }

    static ExitCode exitCode(Throwable e) {
        if (e instanceof UsageException) {
            return ExitCode.USAGE;
        }
        if (e instanceof ConfigException) {
            return ExitCode.CONFIG;
        }
        if (e instanceof ConnectionFailure) {
            return ExitCode.CANNOT_CONNECT;
        }
        if (e instanceof SchemaException s) {
            return s.code() == SchemaException.Code.UNKNOWN_VERSION ? ExitCode.USAGE : ExitCode.FAILURE;
        }
        if (e instanceof PostgresException) {
            return ExitCode.CANNOT_CONNECT;
        }
        if (e instanceof VerificationException v) {
            return switch (v.code()) {
                case CONNECTION_FAILED -> ExitCode.CANNOT_CONNECT;
                case PRECONDITION_FAILED, INSUFFICIENT_PRIVILEGE -> ExitCode.REFUSED_STATE;
                default -> ExitCode.FAILURE;
            };
        }
        if (e instanceof MigrationException m) {
            return switch (m.code()) {
                case UNKNOWN_VERSION, INVALID_TARGET, INVALID_CONFIGURATION -> ExitCode.USAGE;
                case CONNECTION_FAILED -> ExitCode.CANNOT_CONNECT;
                case LOCKED -> ExitCode.LOCKED;
                case DATA_LOSS_REFUSED -> ExitCode.DATA_LOSS_REFUSED;
                case PRECONDITION_FAILED, CATALOG_MISMATCH, CHECKSUM_MISMATCH, NO_HISTORY, MISSING_UNDO_SCRIPT,
                        INSUFFICIENT_PRIVILEGE -> ExitCode.REFUSED_STATE;
                case LOCK_TIMEOUT -> ExitCode.LOCK_TIMEOUT;
                default -> ExitCode.FAILURE;
            };
        }
        return ExitCode.FAILURE;
    }

    static String message(Throwable e) {
        if (e instanceof MigrationException m) {
            return oneLine(m.getMessage()) + " [" + m.code() + "]";
        }
        if (e instanceof VerificationException v) {
            return oneLine(v.getMessage()) + " [" + v.code() + "]";
        }
        if (e instanceof SchemaException || e instanceof UsageException || e instanceof PostgresException
                || e instanceof UncheckedIOException || e instanceof ConfigException || e instanceof ConnectionFailure) {
            return oneLine(e.getMessage());
        }
        return e.getClass().getSimpleName() + ": " + oneLine(String.valueOf(e.getMessage()));
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
