package com.alphapulse.db.cli.internal;

import java.io.PrintWriter;

/** Progress lines on stderr, silenced by --quiet (except what the user must always know). */
final class Progress {

    private final PrintWriter err;
    private final boolean quiet;

    Progress(PrintWriter err, boolean quiet) {
        this.err = err;
        this.quiet = quiet;
    }

    void say(String message) {
        if (!quiet) {
            err.println(message);
            err.flush();
        }
    }

    void always(String message) {
        err.println(message);
        err.flush();
    }
}
