package com.alphapulse.db.cli.internal;

import com.alphapulse.db.cli.ExitCode;
import com.alphapulse.db.engine.ProvisionResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "provision", mixinStandardHelpOptions = true,
        description = "Run once, as a superuser, so that the migration role ROLE (owner of the database, neither "
                + "superuser nor BYPASSRLS) can run every command: creates rls_bypass_role (NOLOGIN BYPASSRLS) and "
                + "alphapulse_probe (NOLOGIN) and grants both to ROLE, grants CREATE on the database and schema public, "
                + "hands the engine's schema over to ROLE. Idempotent; journaled; prints what it did. Sets no password.",
        footer = {"", "Example:", "  java -jar cli.jar provision --migrator migrator --url jdbc:postgresql://db:5432/alphapulse --user postgres"})
final class ProvisionCommand extends EngineCommand {

    @Option(names = "--migrator", paramLabel = "ROLE", required = true, description = "the migration role to provision")
    String migrator;

    @Option(names = "--shared-bypass", description = "provision even though rls_bypass_role (cluster-wide) holds privileges "
            + "in other databases ROLE does not own: ROLE can then bypass row-level security there too")
    boolean sharedBypass;

    @Override
    boolean needsExistingDatabase() {
        return true;
    }

    @Override
    ExitCode run(Session session, Output out, Progress progress) {
        ProvisionResult r = engine.engine(session.dataSource(), progress).provision(migrator, sharedBypass);
        out.emit(r, w -> Text.provision(w, r));
        return ExitCode.OK;
    }
}
