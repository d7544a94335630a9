package com.alphapulse.db.cli.internal;

import picocli.CommandLine.Option;

/** How a command renders its result. */
final class OutputOptions {

    enum Format { text, json }

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "text|json",
            description = "output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    Format format = Format.text;

    @Option(names = {"-q", "--quiet"}, description = "no progress messages on stderr")
    boolean quiet;

    boolean json() {
        return format == Format.json;
    }
}
