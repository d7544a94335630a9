package com.alphapulse.db.cli.internal;

import com.alphapulse.db.cli.ExitCode;
import com.alphapulse.db.engine.UpgradeOptions;
import com.alphapulse.db.engine.UpgradeResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "upgrade", mixinStandardHelpOptions = true,
        description = "Apply migrations through Flyway up to TARGET; tenant data archived by an earlier downgrade "
                + "is restored exactly. Refused (exit 7) when the live catalog does not match the recorded version, "
                + "unless --force.",
        footer = {"", "Examples:", "  java -jar cli.jar upgrade head --url jdbc:postgresql://db:5432/alphapulse --user admin --reason 'release 42'",
                "  java -jar cli.jar upgrade +1 --url jdbc:postgresql://db:5432/alphapulse --user admin",
                "  java -jar cli.jar upgrade head --dry-run --url jdbc:postgresql://db:5432/alphapulse --user admin > CHG-42.sql"})
final class UpgradeCommand extends EngineCommand {

    @Parameters(arity = "0..1", defaultValue = "head", paramLabel = "TARGET",
            description = "head (default), +N, or a version such as 007")
    String target;

    @Option(names = "--force", description = "upgrade even when the live catalog does not match the recorded version "
            + "(refused with exit code 7 otherwise)")
    boolean force;

    @Option(names = "--dry-run", description = "print the SQL the upgrade would run, untruncated, as a script to review: "
            + "each pending version's statements and the engine's own (migration lock, timeouts, table locks, progress, "
            + "journal and Flyway history rows), BEGIN/COMMIT where a version runs in one transaction; changes nothing")
    boolean dryRun;

    @Override
    ExitCode run(Session session, Output out, Progress progress) {
        com.alphapulse.db.engine.MigrationEngine migrations = engine.engine(session.dataSource(), progress);
        if (dryRun) {
            com.alphapulse.db.engine.UpgradeSqlResult s = migrations.upgradeSql(target);
            out.emit(s, w -> Text.upgradeSql(w, s));
            return ExitCode.OK;
        }
        com.alphapulse.db.migrations.Version to = migrations.resolveTarget(target, com.alphapulse.db.engine.Direction.UP);
        progress.say("upgrading " + session.describe() + " to " + to.label()
                + (to.label().equals(target.trim()) ? "" : " (" + target.trim() + ")"));
        UpgradeResult r = migrations.upgrade(target, UpgradeOptions.defaults().withForce(force));
        out.emit(r, w -> Text.upgrade(w, r));
        return ExitCode.OK;
    }
}
