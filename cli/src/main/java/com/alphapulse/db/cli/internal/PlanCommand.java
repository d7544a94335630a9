package com.alphapulse.db.cli.internal;

import com.alphapulse.db.cli.ExitCode;
import com.alphapulse.db.engine.PlanResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "What a downgrade to VERSION would do, without doing it: each undo step with its statements, "
                + "the locks they take, the data-loss risk counted on the live data, security warnings and "
                + "blocking preconditions.",
        footer = {"", "Example:", "  java -jar cli.jar plan 005 --url jdbc:postgresql://db:5432/alphapulse --user admin"})
final class PlanCommand extends EngineCommand {

    @Parameters(paramLabel = "VERSION", description = "the version to go down to (or -N)")
    String target;

    @Override
    ExitCode run(Session session, Output out, Progress progress) {
        PlanResult r = engine.engine(session.dataSource(), progress).plan(target);
        out.emit(r, w -> Text.plan(w, r, true));
        return r.blocked() ? ExitCode.REFUSED_STATE : ExitCode.OK;
    }
}
