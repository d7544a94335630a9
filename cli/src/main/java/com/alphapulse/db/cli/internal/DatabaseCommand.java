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
        Progress progress = progress();
        try (Session session = Session.open(connection, progress)) {
            return run(session, new Output(out(), output), progress).code();
        }
    }

    abstract com.alphapulse.db.cli.ExitCode run(Session session, Output out, Progress progress);

    Progress progress() {
        return new Progress(spec.commandLine().getErr(), output.quiet);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
