package com.alphapulse.db.cli.internal;

import com.alphapulse.db.cli.ExitCode;
import com.alphapulse.db.engine.HistoryResult;
import picocli.CommandLine.Command;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = "The journal: every upgrade, downgrade, stamp and repair with who, why, when, how long, "
                + "rows archived or restored, and the outcome.",
        footer = {"", "Example:", "  java -jar cli.jar history --url jdbc:postgresql://db:5432/alphapulse --user admin -o json"})
final class HistoryCommand extends EngineCommand {

    @Override
    ExitCode run(Session session, Output out, Progress progress) {
        HistoryResult r = engine.engine(session.dataSource(), progress).history();
        out.emit(r, w -> Text.history(w, r));
        return ExitCode.OK;
    }
}
