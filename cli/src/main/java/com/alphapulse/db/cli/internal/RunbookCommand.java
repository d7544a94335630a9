package com.alphapulse.db.cli.internal;

import com.alphapulse.db.cli.ExitCode;
import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.rehearsal.RehearseResult;
import com.alphapulse.db.rehearsal.Rehearsals;
import com.alphapulse.db.rehearsal.RunbookResult;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.fasterxml.jackson.databind.DeserializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "runbook", mixinStandardHelpOptions = true,
        description = "Write the rollback runbook (the seed procedure, regenerated from the migrations' own metadata "
                + "and the last rehearsal's measured times). Needs no database.",
        footer = {"", "Example:", "  java -jar cli.jar rehearse && java -jar cli.jar runbook"})
final class RunbookCommand implements Callable<Integer> {

    @Option(names = "--rehearsal", paramLabel = "FILE", defaultValue = "docs/last-rehearsal.json",
            description = "the saved rehearsal to quote (default: ${DEFAULT-VALUE}); missing means none")
    Path rehearsal;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "docs/rollback-runbook.md",
            description = "where to write it (default: ${DEFAULT-VALUE}); '-' for standard output")
    String target;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        RehearseResult last = Files.exists(rehearsal) ? read(rehearsal) : null;
        // The runbook needs no database: a configuration without a data source is enough for the model.
        RunbookResult r = Rehearsals.on(MigrationEngine.configure().migrations(AlphaPulseSchema.migrations())).runbook(last);
        String markdown = RunbookMarkdown.render(r);
        Output out = new Output(spec.commandLine().getOut(), output);
        if ("-".equals(target)) {
            out.emit(r, w -> w.print(markdown));
            return ExitCode.OK.code();
        }
        Path file = Path.of(target);
        Output.writeFile(file, markdown);
        out.emit(new Written(file.toString(), r.rehearsalFinishedAt() == null ? null : r.rehearsalFinishedAt().toString()),
                w -> w.printf("wrote %s (%s)%n", file, last == null ? "no rehearsal found at " + rehearsal
                        + ": times not quoted" : "times of the rehearsal of " + last.finishedAt()));
        return ExitCode.OK.code();
    }

    /** What was written, for --output json. */
    record Written(String file, String rehearsalFinishedAt) {}

    private static RehearseResult read(Path file) {
        try {
            return Output.json().copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                    .readValue(file.toFile(), RehearseResult.class);
        } catch (IOException e) {
            throw new UsageException("cannot read the rehearsal " + file + ": " + e.getMessage().split("\\R")[0]);
        }
    }
}
