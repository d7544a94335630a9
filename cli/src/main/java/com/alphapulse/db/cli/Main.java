package com.alphapulse.db.cli;

import com.alphapulse.db.cli.internal.Cli;
import java.io.PrintWriter;

/** {@code java -jar cli.jar}. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(Cli.commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args));
    }
}
