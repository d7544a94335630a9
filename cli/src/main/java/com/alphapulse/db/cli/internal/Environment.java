package com.alphapulse.db.cli.internal;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the process was started with: environment variables, working directory, home directory and OS user. Held
 * by the root command so that tests can run the CLI in-process with an environment of their own.
 *
 * @param variables the environment variables
 * @param workingDirectory where {@code alphapulse.conf} is looked for
 * @param home where {@code ~/.pgpass} and {@code ~/.pg_service.conf} are; libpq takes {@code HOME} first too
 * @param osUser the default database user, as libpq's
 * @param stdin where a confirmation is read from
 * @param terminal whether a person answers on {@code stdin}; null to ask the operating system
 */
record Environment(Map<String, String> variables, Path workingDirectory, Path home, String osUser, InputStream stdin,
        Boolean terminal) {

    /** The process's standard input, a terminal when the operating system says so. */
    Environment(Map<String, String> variables, Path workingDirectory, Path home, String osUser) {
        this(variables, workingDirectory, home, osUser, System.in, null);
    }

    static Environment system() {
        Map<String, String> env = System.getenv();
        String home = env.get("HOME");
        return new Environment(env, Path.of("").toAbsolutePath(),
                Path.of(home == null || home.isEmpty() ? System.getProperty("user.home") : home),
                System.getProperty("user.name"));
    }

    /** This environment with a person typing {@code typed} (then end of input) at a terminal, for tests. */
    Environment typing(String typed) {
        return new Environment(variables, workingDirectory, home, osUser,
                new java.io.ByteArrayInputStream(typed.getBytes(java.nio.charset.StandardCharsets.UTF_8)), true);
    }

    /** Whether a person answers on {@link #stdin()}. */
    boolean interactive() {
        return terminal != null ? terminal : Terminal.stdinIsTerminal();
    }

    /** The variable, or null when it is unset or empty (an empty PGHOST names no host). */
    String get(String name) {
        String v = variables.get(name);
        return v == null || v.isEmpty() ? null : v;
    }
}
