package com.alphapulse.db.cli.internal;

import com.alphapulse.db.cli.ExitCode;
import com.alphapulse.db.rehearsal.RehearseOptions;
import com.alphapulse.db.rehearsal.RehearseResult;
import com.alphapulse.db.rehearsal.Rehearsals;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "rehearse", mixinStandardHelpOptions = true,
        description = {"Rehearse every rollback on a scratch database (the embedded one by default; with --url a "
                + "scratch database created and dropped on that server, never the named one): migrate to head, load "
                + "demo data into every tenant table, then for each version above the first roll back one version, verify, "
                + "re-upgrade, verify and compare data snapshots; then head -> first version -> head the same way, and "
                + "the isolation probe.",
                "Prints the table of the seed procedure and the verdict against the recovery target; exit 0 only when "
                        + "every row passes."},
        footer = {"", "Examples:", "  java -jar cli.jar rehearse", "  java -jar cli.jar rehearse --load 8",
                "  java -jar cli.jar rehearse --scale 2 --junit target/rehearsal.xml --url jdbc:postgresql://staging:5432/postgres --user admin"})
final class RehearseCommand extends EngineCommand {

    @Option(names = "--tenants", defaultValue = "3", description = "demo tenants (default: ${DEFAULT-VALUE})")
    int tenants;

    @Option(names = "--scale", defaultValue = "1", description = "demo data volume, 1 = about 100,000 trades (default: ${DEFAULT-VALUE})")
    double scale;

    @Option(names = "--seed", defaultValue = "42", description = "demo data seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--target-minutes", defaultValue = "10", description = "recovery target per rollback (default: ${DEFAULT-VALUE})")
    double targetMinutes;

    @Option(names = "--load", paramLabel = "N", defaultValue = "0",
            description = "run N application clients (0-64) during the rehearsal, reading and writing rows of every tenant, "
                    + "and show each rollback's longest application wait (default: ${DEFAULT-VALUE}, no load)")
    int load;

    @Option(names = "--junit", paramLabel = "FILE", description = "also write a JUnit XML report, one test case per check")
    Path junit;

    @Option(names = "--report", paramLabel = "FILE", defaultValue = "docs/last-rehearsal.json",
            description = "where the result is saved for `runbook` (default: ${DEFAULT-VALUE}); 'none' to skip")
    String report;

    @Override
    void validate() {
        super.validate();
        options();
    }

    private RehearseOptions options() {
        try {
            if (load < 0 || load > RehearseOptions.MAX_LOAD_CLIENTS) {
                throw new UsageException("--load must be between 0 and " + RehearseOptions.MAX_LOAD_CLIENTS + ", not " + load);
            }
            return new RehearseOptions(tenants, scale, seed, Duration.ofMillis((long) (targetMinutes * 60_000)), load);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    @Override
    ExitCode run(Session session, Output out, Progress progress) {
        RehearseOptions options = options();
        RehearseResult r;
        if (session.isEmbedded()) {
            r = Rehearsals.on(engine.config(session.dataSource(), progress)).rehearse(options);
        } else {
            try (Session.Scratch scratch = session.scratch("alphapulse_rehearsal")) {
                progress.say("rehearsing on scratch database " + scratch.name() + " (dropped afterwards)");
                r = Rehearsals.on(engine.config(scratch.dataSource(), progress)).rehearse(options);
            }
        }
        save(r);
        if (junit != null) {
            junit(r).write(junit);
        }
        out.emit(r, w -> RehearsalTable.print(w, r));
        return r.passed() ? ExitCode.OK : ExitCode.FAILURE;
    }

    private void save(RehearseResult r) {
        if ("none".equals(report)) {
            return;
        }
        try {
            Output.writeFile(Path.of(report), Output.json().writeValueAsString(r));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException("cannot save the rehearsal: " + e.getMessage(), e);
        }
    }

    static JUnitReport junit(RehearseResult r) {
        JUnitReport report = new JUnitReport("rollback-rehearsal");
        for (RehearseResult.Row row : r.rows()) {
            String cls = "rehearsal." + row.migration().replace(" -> ", "_to_");
            String failure = row.error() != null ? row.error() : String.join("\n", row.findings());
            report.add(cls, "rollback to " + row.to() + " verified", row.error() == null && row.verifiedAfterRollback(),
                    failure, row.rollback());
            report.add(cls, "upgrade to " + row.from() + " verified", row.error() == null && row.verifiedAfterUpgrade(),
                    failure, row.upgrade());
            report.add(cls, "data intact", row.error() == null && row.dataIntact(),
                    row.error() != null ? row.error() : String.join("\n", row.differences()), null);
            report.add(cls, "recovery within " + Output.ms(r.recoveryTarget()),
                    row.recovery() != null && row.recovery().compareTo(r.recoveryTarget()) <= 0,
                    "recovery took " + Output.ms(row.recovery()), row.recovery());
        }
        report.add("rehearsal.probe", "tenant isolation at " + r.headVersion(), r.probe().passed(),
                String.join("\n", r.probe().failures()), null);
        return report;
    }
}
