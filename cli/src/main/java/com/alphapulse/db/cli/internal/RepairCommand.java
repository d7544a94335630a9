package com.alphapulse.db.cli.internal;

import com.alphapulse.db.cli.ExitCode;
import com.alphapulse.db.engine.RepairResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "repair", mixinStandardHelpOptions = true,
        description = "Clean what a failed non-transactional step left: INVALID indexes of an interrupted "
                + "CREATE INDEX CONCURRENTLY, and failed rows in Flyway's history. Reports what it did.",
        footer = {"", "Example:", "  java -jar cli.jar repair --url jdbc:postgresql://db:5432/alphapulse --user admin && java -jar cli.jar upgrade head --url ..."})
final class RepairCommand extends EngineCommand {

    @Option(names = "--accept-edited-scripts",
            description = "also accept applied migration scripts whose checksum changed since they ran "
                    + "(realigns Flyway's history; refused by default)")
    boolean acceptEditedScripts;

    @Override
    ExitCode run(Session session, Output out, Progress progress) {
        RepairResult r = engine.engine(session.dataSource(), progress).repair(acceptEditedScripts);
        out.emit(r, w -> Text.repair(w, r));
        return ExitCode.OK;
    }
}
