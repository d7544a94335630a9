package com.alphapulse.db.cli;

import com.alphapulse.db.cli.internal.Cli;
import java.io.PrintWriter;
import picocli.CommandLine;
import java.util.logging.Level;
import java.util.logging.Logger;

/** {@code java -jar cli.jar}. */
public final class Main {

    // Held so the setting survives garbage collection: JUL keeps loggers weakly.
    private static final Logger DRIVER_LOG = Logger.getLogger("org.postgresql");

    private Main() {}

    public static void main(String[] args) {
        // the driver's own warnings would add lines to the one-line errors the CLI promises
        DRIVER_LOG.setLevel(Level.OFF);
        Cli.handleSignals();
        CommandLine cli = Cli.commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
        int exit = Cli.afterSignal(cli.execute(args), cli.getErr());
        // What the redacting writers still hold (a prompt, a line without its newline) goes out before the exit.
        cli.getOut().flush();
        cli.getErr().flush();
        System.exit(exit);
    }
}
