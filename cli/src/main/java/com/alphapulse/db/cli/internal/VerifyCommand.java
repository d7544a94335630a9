package com.alphapulse.db.cli.internal;

import com.alphapulse.db.cli.ExitCode;
import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.migrations.Version;
import com.alphapulse.db.verification.Finding;
import com.alphapulse.db.verification.Verifier;
import com.alphapulse.db.verification.VerifyResult;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "verify",
        description = "Compare the live database with the expected state of a version (default: the version "
                + "recorded in the history): tables, columns, indexes, constraints, RLS enabled and forced, "
                + "policies, roles. Every difference is a finding; errors give exit code 3, and with --strict "
                + "warnings too (objects the version does not have: a drift gate for CI).",
        footer = {"", "Examples:", "  java -jar cli.jar verify --url jdbc:postgresql://db:5432/alphapulse --user admin",
                "  java -jar cli.jar verify --version 007 --junit target/verify.xml --url ...",
                "  java -jar cli.jar verify --strict --url ...   # CI drift gate: warnings fail too"})
final class VerifyCommand extends DatabaseCommand {

    // --version N names the schema version here, so the standard mixin cannot be used: -V, and --version without
    // a value, print the tool's version as on every other command
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "-V", versionHelp = true, description = "Print version information and exit (so does --version without N).")
    boolean versionHelp;

    /** What --version without a value stands for. */
    static final String TOOL_VERSION = "\u0000tool-version";

    @Option(names = "--version", paramLabel = "N", arity = "0..1", fallbackValue = TOOL_VERSION,
            description = "the schema version to compare with (default: the recorded one)")
    String version;

    @Override
    boolean versionRequested() {
        return TOOL_VERSION.equals(version);
    }

    @Option(names = "--junit", paramLabel = "FILE", description = "also write a JUnit XML report, one test case per check")
    Path junit;

    @Option(names = "--strict", description = "warnings fail too (exit code 3): tables, columns, indexes, constraints or "
            + "policies the version does not have")
    boolean strict;

    @Option(names = "--data", description = "also check the data and the tenancy key rules: rows whose tenant_id differs "
            + "from their parent's (cross-tenant data, counted and named), foreign keys between tenant tables without "
            + "tenant_id (error), unique keys without it (warning); reads every tenant's rows (as rls_bypass_role when "
            + "row-level security filters the user), writes nothing")
    boolean data;

    @Override
    ExitCode run(Session session, Output out, Progress progress) {
        SchemaVersion expected = version != null ? AlphaPulseSchema.migrations().version(version) : recorded(session, progress);
        Verifier verifier = Verifier.on(session.dataSource());
        VerifyResult r = data ? verifier.verifyData(expected) : verifier.verify(expected);
        if (junit != null) {
            junit(r).write(junit);
        }
        out.emit(r, w -> Text.verify(w, r, strict));
        return r.clean() && r.partial().isEmpty() && !(strict && !r.warnings().isEmpty()) ? ExitCode.OK : ExitCode.VERIFICATION_FAILED;
    }

    private SchemaVersion recorded(Session session, Progress progress) {
        // Only reads: no engine options (timeouts, retries, --reason) apply, so none are taken.
        // Only the recorded version is needed: the history table, not the whole status (no Flyway, no catalog read
        // besides the one verify makes).
        Version recorded = MigrationEngine.configure().dataSource(session.dataSource()).progress(progress::say).load().recordedVersion();
        if (recorded.isBase()) {
            throw new MigrationException(MigrationException.Code.NO_HISTORY,
                    "no version is recorded in this database; name the one to compare with --version");
        }
        return AlphaPulseSchema.migrations().require(recorded);
    }

    static JUnitReport junit(VerifyResult r) {
        JUnitReport report = new JUnitReport("verify-" + r.version().label());
        Set<String> kinds = new LinkedHashSet<>(List.of(Finding.TABLE, Finding.COLUMN, Finding.INDEX,
                Finding.PRIMARY_KEY, Finding.UNIQUE, Finding.CHECK, Finding.FOREIGN_KEY, Finding.POLICY,
                Finding.ROW_SECURITY, Finding.FORCE_ROW_SECURITY, Finding.ROLE));
        r.findings().forEach(f -> kinds.add(f.objectType()));
        for (String kind : kinds) {
            List<Finding> errors = r.errors().stream().filter(f -> f.objectType().equals(kind)).toList();
            report.add("verify." + r.version().label(), kind + "s match version " + r.version().label(), errors.isEmpty(),
                    String.join("\n", errors.stream().map(Finding::toString).toList()), null);
        }
        for (Finding w : r.warnings()) {
            report.add("verify." + r.version().label() + ".warnings", w.objectType() + " " + w.object(), true, w.message(), null);
        }
        return report;
    }
}
