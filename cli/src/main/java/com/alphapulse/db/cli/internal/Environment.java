package com.alphapulse.db.cli.internal;

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
 */
record Environment(Map<String, String> variables, Path workingDirectory, Path home, String osUser) {

    static Environment system() {
        Map<String, String> env = System.getenv();
        String home = env.get("HOME");
        return new Environment(env, Path.of("").toAbsolutePath(),
                Path.of(home == null || home.isEmpty() ? System.getProperty("user.home") : home),
                System.getProperty("user.name"));
    }

    /** The variable, or null when it is unset or empty (an empty PGHOST names no host). */
    String get(String name) {
        String v = variables.get(name);
        return v == null || v.isEmpty() ? null : v;
    }
}
