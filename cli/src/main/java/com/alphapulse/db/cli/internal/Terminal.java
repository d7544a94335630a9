package com.alphapulse.db.cli.internal;

import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a person is at the keyboard. */
final class Terminal {

    private Terminal() {}

    /**
     * True when standard input is a terminal, also when standard output is piped ({@code | tee log}), which
     * {@link System#console()} alone would miss on Java 17.
     */
    static boolean stdinIsTerminal() {
        if (System.console() != null) {
            return true;
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception notLinux) {
            return false;
        }
    }
}
