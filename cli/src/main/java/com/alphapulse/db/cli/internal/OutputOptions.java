package com.alphapulse.db.cli.internal;

import picocli.CommandLine.Option;

/** How a command renders its result. */
final class OutputOptions {

    enum Format { text, json }

    // null until resolved: the flag, else ALPHAPULSE_OUTPUT, else the config file's 'output', else text
    @Option(names = {"-o", "--output"}, paramLabel = "text|json",
            description = "output format: ${COMPLETION-CANDIDATES} (default: text; env ALPHAPULSE_OUTPUT, config 'output')")
    Format format;

    @Option(names = {"-q", "--quiet"}, description = "no progress messages on stderr")
    boolean quiet;

    void resolve(Environment env, ConfigFile file) {
        format = Setting.choice(format, Format.class, "ALPHAPULSE_OUTPUT", "output", Format.text, env, file);
    }

    boolean json() {
        return format == Format.json;
    }
}
