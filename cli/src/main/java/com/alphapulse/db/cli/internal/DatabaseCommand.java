package com.alphapulse.db.cli.internal;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every command that talks to a database shares: connection and output options, and the session. */
abstract class DatabaseCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        if (versionRequested()) {
            spec.commandLine().printVersionHelp(out());
            return com.alphapulse.db.cli.ExitCode.OK.code();
        }
        Environment env = Cli.environment(spec);
        ConfigFile file = ConfigFile.find(connection.config, env);
        output.resolve(env, file);
        resolve(env, file);
        validate();
        Progress progress = progress();
        Target target = ServerSettings.resolve(connection, file, env, progress::always);
        if (needsExistingDatabase() && target.embedded()) {
            throw new UsageException(spec.name() + " needs a migrated database with data: name it with --url, "
                    + "PG* variables or the config file");
        }
        try (Session session = Session.open(target, progress)) {
            return run(session, new Output(out(), output), progress).code();
        }
    }

    abstract com.alphapulse.db.cli.ExitCode run(Session session, Output out, Progress progress);

    /** Takes the command's own settings from the environment and the config file where no flag gave them. */
    void resolve(Environment env, ConfigFile file) {
    }

    /** Checks the command's own options before any database is started or reached. */
    void validate() {
    }

    /** True when a fresh embedded database would make the command meaningless. */
    boolean needsExistingDatabase() {
        return false;
    }

    /** True when the command was asked for the tool's version instead ({@code verify --version} with no value). */
    boolean versionRequested() {
        return false;
    }

    Progress progress() {
        return new Progress(spec.commandLine().getErr(), output.quiet);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
