package com.alphapulse.db.cli.internal;

import picocli.CommandLine.Command;

@Command(name = "archive", mixinStandardHelpOptions = true,
        description = "What the rollback archive keeps (schema alphapulse_migration, readable by the migration role only), "
                + "and retiring it.",
        subcommands = {ArchiveCommand.ListCommand.class, ArchiveCommand.PurgeCommand.class})
final class ArchiveCommand implements java.util.concurrent.Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return com.alphapulse.db.cli.ExitCode.USAGE.code();
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Archived rows and values per version, table, column and tenant, waiting for a restore.",
            footer = {"", "Example:", "  java -jar cli.jar archive list --url jdbc:postgresql://db:5432/alphapulse --user migrator"})
    static final class ListCommand extends EngineCommand {

        @Override
        boolean needsExistingDatabase() {
            return true;
        }

        @Override
        com.alphapulse.db.cli.ExitCode run(Session session, Output out, Progress progress) {
            var r = engine.engine(session.dataSource(), progress).listArchive();
            out.emit(r, w -> Text.archive(w, r));
            return com.alphapulse.db.cli.ExitCode.OK;
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true,
            description = "Delete everything archived for VERSION for good (a later upgrade then restores nothing of it); "
                    + "journaled. Needs --yes.",
            footer = {"", "Example:", "  java -jar cli.jar archive purge 007 --yes --reason 'INC-123: rollback final' --url ..."})
    static final class PurgeCommand extends EngineCommand {

        @picocli.CommandLine.Parameters(paramLabel = "VERSION", description = "the version whose archive to delete, e.g. 007")
        String version;

        @picocli.CommandLine.Option(names = "--yes", description = "confirm: the archived tenant data is deleted for good")
        boolean yes;

        @Override
        void validate() {
            super.validate();
            if (!yes) {
                throw new UsageException("archive purge deletes archived tenant data for good; add --yes to confirm "
                        + "(see what it holds with: archive list)");
            }
        }

        @Override
        boolean needsExistingDatabase() {
            return true;
        }

        @Override
        com.alphapulse.db.cli.ExitCode run(Session session, Output out, Progress progress) {
            var r = engine.engine(session.dataSource(), progress).purgeArchive(version);
            out.emit(r, w -> Text.purge(w, r));
            return com.alphapulse.db.cli.ExitCode.OK;
        }
    }
}
