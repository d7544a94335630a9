package com.alphapulse.db.cli.internal;

import com.alphapulse.db.cli.ExitCode;
import com.alphapulse.db.engine.StatusResult;
import picocli.CommandLine.Command;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "The recorded version, applied and pending versions, our rollbacks, archived tenant data "
                + "waiting to be restored, and whether the live catalog really matches the recorded version.",
        footer = {"", "Example:", "  java -jar cli.jar status --url jdbc:postgresql://db:5432/alphapulse --user admin"})
final class StatusCommand extends EngineCommand {

    @Override
    ExitCode run(Session session, Output out, Progress progress) {
        StatusResult r = engine.engine(session.dataSource(), progress).status();
        out.emit(r, w -> Text.status(w, r));
        // A version part-way is no whole version, whatever the catalog looks like.
        return r.inProgress().isEmpty() && (r.catalog() == null || r.catalog().matchesRecorded()) ? ExitCode.OK
                : ExitCode.VERIFICATION_FAILED;
    }
}
