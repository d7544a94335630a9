package com.alphapulse.db.cli.internal;

import com.alphapulse.db.cli.ExitCode;
import com.alphapulse.db.engine.StampResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "stamp", mixinStandardHelpOptions = true,
        description = "Record VERSION as the current version without running any script (after a migration failed "
                + "halfway and was finished or undone by hand). Refused unless the live catalog matches VERSION.",
        footer = {"", "Example:", "  java -jar cli.jar stamp 007 --url jdbc:postgresql://db:5432/alphapulse --user admin --reason 'INC-123: 008 failed halfway'"})
final class StampCommand extends EngineCommand {

    @Parameters(paramLabel = "VERSION", description = "the version to record, e.g. 007")
    String version;

    @Option(names = "--force", description = "stamp even when the live catalog does not match VERSION")
    boolean force;

    @Override
    ExitCode run(Session session, Output out, Progress progress) {
        StampResult r = engine.engine(session.dataSource(), progress).stamp(version, force);
        out.emit(r, w -> Text.stamp(w, r));
        return ExitCode.OK;
    }
}
