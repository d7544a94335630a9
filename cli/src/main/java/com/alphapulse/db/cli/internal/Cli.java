package com.alphapulse.db.cli.internal;

import com.alphapulse.db.cli.ExitCode;
import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.postgres.PostgresException;
import com.alphapulse.db.migrations.SchemaException;
import com.alphapulse.db.verification.VerificationException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root command and the one place where failures become a one-line message and an exit code. */
@Command(name = "cli.jar", mixinStandardHelpOptions = true, version = "alphapulse-db 0.1.0",
        description = "AlphaPulse database toolkit: migrate, roll back without losing tenant data, verify, rehearse.",
        subcommands = {
            StatusCommand.class, HistoryCommand.class, UpgradeCommand.class, DowngradeCommand.class,
            PlanCommand.class, VerifyCommand.class, StampCommand.class, RepairCommand.class, ProbeCommand.class,
            RlsOverheadCommand.class, DemoDataCommand.class, RehearseCommand.class, RunbookCommand.class,
            ProvisionCommand.class, ArchiveCommand.class
        },
        footer = {"", "Without --url every command runs on a new embedded PostgreSQL that is deleted on exit.",
                "Connection from the environment: ALPHAPULSE_DB_URL, ALPHAPULSE_DB_USER, ALPHAPULSE_DB_PASSWORD.",
                "", "Example:", "  java -jar cli.jar rehearse"})
public final class Cli implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** A command line that writes results to {@code out} and messages to {@code err}. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        out = new PrintWriter(new Redacting(out), true);
        err = new PrintWriter(new Redacting(err), true);
        CommandLine cli = new CommandLine(new Cli());
        cli.addSubcommand("completion", new AutoComplete.GenerateCompletion());
        cli.setUsageHelpWidth(120);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + message(e));
            commandLine.getErr().flush();
            return exitCode(e).code();
        });
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println("error: " + e.getMessage() + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
            c.getErr().flush();
            return ExitCode.USAGE.code();
        });
        Map<String, String> codes = new LinkedHashMap<>();
        for (ExitCode c : ExitCode.values()) {
            codes.put(String.valueOf(c.code()), c.meaning());
        }
        exitCodes(cli, codes);
        return cli;
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
                || e instanceof UncheckedIOException) {
            return oneLine(e.getMessage());
        }
        return e.getClass().getSimpleName() + ": " + oneLine(String.valueOf(e.getMessage()));
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
