package com.alphapulse.db.cli.internal;

import com.alphapulse.db.cli.ExitCode;
import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.engine.ProvisionResult;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "provision", mixinStandardHelpOptions = true,
        description = {"--migrator ROLE: run once, as a superuser, so that the migration role ROLE (owner of the database, "
                + "neither superuser nor BYPASSRLS) can run every command: creates rls_bypass_role (NOLOGIN BYPASSRLS) and "
                + "alphapulse_probe (NOLOGIN) and grants both to ROLE, grants CREATE on the database and schema public, "
                + "hands the engine's schema over to ROLE.",
                "--app-role ROLE: as the migration role or a superuser, after the first upgrade, gives the application "
                + "login role ROLE what a service needs (CONNECT, USAGE on public, SELECT/INSERT/UPDATE/DELETE on the "
                + "AlphaPulse tables but no DELETE on tenants, USAGE/SELECT on their sequences, EXECUTE on the policies' "
                + "functions) and the same on tables later versions create (default privileges); refused for a superuser, "
                + "BYPASSRLS or owning role, or a member of the owner, rls_bypass_role or the migration role.",
                "Both together: the migration role first. Idempotent; journaled; prints what it did. Sets no password; "
                + "with --json, one object per role (an array of two with both options)."},
        footer = {"", "Examples:", "  java -jar cli.jar provision --migrator migrator --url jdbc:postgresql://db:5432/alphapulse --user postgres",
                "  java -jar cli.jar provision --app-role alphapulse_app --url jdbc:postgresql://db:5432/alphapulse --user migrator --password"})
final class ProvisionCommand extends EngineCommand {

    @Option(names = "--migrator", paramLabel = "ROLE", description = "the migration role to provision")
    String migrator;

    @Option(names = "--app-role", paramLabel = "ROLE", description = "the application login role to grant what a service needs")
    String appRole;

    @Option(names = "--shared-bypass", description = "provision even though rls_bypass_role (cluster-wide) holds privileges "
            + "in other databases ROLE does not own: ROLE can then bypass row-level security there too")
    boolean sharedBypass;

    @Override
    boolean needsExistingDatabase() {
        return true;
    }

    @Override
    ExitCode run(Session session, Output out, Progress progress) {
        if (migrator == null && appRole == null) {
            throw new UsageException("provision needs --migrator ROLE, --app-role ROLE or both");
        }
        MigrationEngine e = engine.engine(session.dataSource(), progress);
        ProvisionResult migration = migrator == null ? null : e.provision(migrator, sharedBypass);
        ProvisionResult application = appRole == null ? null : e.provisionApplication(appRole);
        Object json = migration != null && application != null ? List.of(migration, application)
                : migration != null ? migration : application;
        out.emit(json, w -> {
            if (migration != null) {
                Text.provision(w, migration);
            }
            if (application != null) {
                Text.provision(w, application);
            }
        });
        return ExitCode.OK;
    }
}
