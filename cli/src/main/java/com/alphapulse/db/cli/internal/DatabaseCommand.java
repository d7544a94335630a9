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
        validate();
        if (needsExistingDatabase() && connection.embedded()) {
            throw new UsageException(spec.name() + " needs a migrated database with data: name it with --url");
        }
        Progress progress = progress();
        try (Session session = Session.open(connection, progress)) {
            return run(session, new Output(out(), output), progress).code();
        }
    }

    abstract com.alphapulse.db.cli.ExitCode run(Session session, Output out, Progress progress);

    /** Checks the command's own options before any database is started or reached. */
    void validate() {
    }

    /** True when a fresh embedded database would make the command meaningless. */
    boolean needsExistingDatabase() {
        return false;
    }

    Progress progress() {
        return new Progress(spec.commandLine().getErr(), output.quiet);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
