package com.alphapulse.db.cli.internal;

import com.alphapulse.db.cli.ExitCode;
import com.alphapulse.db.engine.PlanResult;
import com.alphapulse.db.engine.PlanSqlResult;
import picocli.CommandLine.Option;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "What a downgrade to VERSION would do, without doing it: each undo step with its statements, "
                + "the locks they take, the data-loss risk counted on the live data, security warnings and "
                + "blocking preconditions.",
        footer = {"", "Example:", "  java -jar cli.jar plan 005 --url jdbc:postgresql://db:5432/alphapulse --user admin",
                "  java -jar cli.jar plan 002 --sql --url jdbc:postgresql://db:5432/alphapulse --user admin > INC-123.sql"})
final class PlanCommand extends EngineCommand {

    @Parameters(paramLabel = "VERSION", description = "the version to go down to (or -N)")
    String target;

    @Option(names = "--sql", description = "print the SQL the downgrade would run, untruncated, as a script to review: "
            + "the undo statements and the engine's own (migration lock, timeouts, table locks, row-security lift, "
            + "history and journal rows) inside BEGIN/COMMIT per version; changes nothing")
    boolean sql;

    @Override
    ExitCode run(Session session, Output out, Progress progress) {
        if (sql) {
            PlanSqlResult s = engine.engine(session.dataSource(), progress).planSql(target);
            out.emit(s, w -> Text.planSql(w, s));
            return s.plan().blocked() ? ExitCode.REFUSED_STATE : ExitCode.OK;
        }
        PlanResult r = engine.engine(session.dataSource(), progress).plan(target);
        out.emit(r, w -> Text.plan(w, r, true));
        return r.blocked() ? ExitCode.REFUSED_STATE : ExitCode.OK;
    }
}
