package com.alphapulse.db.cli.internal;

import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.migrations.Version;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/** Renders a result either as JSON (the record itself) or as text for people. */
final class Output {

    /**
     * The JSON mapper, built on first use: a command that renders text loads no Jackson class (about 500 classes,
     * a good part of the CLI's start).
     */
    static ObjectMapper json() {
        return Json.MAPPER;
    }

    private static final class Json {

        private Json() {}

        static final ObjectMapper MAPPER = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(versions())
                .addModule(new Jdk8Module())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .build();

        /** A version prints as its label ("007", "base"); a set's version as its label and description. */
        private static com.fasterxml.jackson.databind.Module versions() {
            com.fasterxml.jackson.databind.module.SimpleModule m = new com.fasterxml.jackson.databind.module.SimpleModule("versions");
            m.addSerializer(Version.class, new com.fasterxml.jackson.databind.ser.std.ToStringSerializer(Version.class));
            m.addSerializer(SchemaVersion.class, new com.fasterxml.jackson.databind.ser.std.StdSerializer<>(SchemaVersion.class) {
                private static final long serialVersionUID = 1L;

                @Override
                public void serialize(SchemaVersion v, com.fasterxml.jackson.core.JsonGenerator g,
                        com.fasterxml.jackson.databind.SerializerProvider p) throws IOException {
                    g.writeStartObject();
                    g.writeStringField("version", v.label());
                    g.writeStringField("description", v.description());
                    g.writeStringField("migrationScript", v.migrationScript());
                    g.writeStringField("undoScript", v.undoScript());
                    g.writeEndObject();
                }
            });
            // identify's distances are keyed by version: the key is its label
            m.addKeySerializer(SchemaVersion.class, new com.fasterxml.jackson.databind.JsonSerializer<SchemaVersion>() {
                @Override
                public void serialize(SchemaVersion v, com.fasterxml.jackson.core.JsonGenerator g,
                        com.fasterxml.jackson.databind.SerializerProvider p) throws IOException {
                    g.writeFieldName(v.label());
                }
            });
            return m;
        }
    }

    private final PrintWriter out;
    private final boolean json;

    Output(PrintWriter out, OutputOptions options) {
        this.out = out;
        this.json = options.json();
    }

    /** Prints {@code result} as JSON, or runs {@code text} to print it for people. */
    void emit(Object result, Consumer<PrintWriter> text) {
        if (json) {
            try {
                out.println(json().writeValueAsString(result));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            text.accept(out);
        }
        out.flush();
    }

    /**
     * A command that ends without a result and without an error (cancelled at the prompt, refused by its plan): with
     * JSON output, scripts still get the one object every error gives them ({@code code} as the same ending with
     * {@code --yes} would have it); the line on stderr is the caller's.
     */
    com.alphapulse.db.cli.ExitCode ended(com.alphapulse.db.cli.ExitCode exit, String code, String message) {
        if (json) {
            Cli.jsonError(out, message, code, exit);
        }
        return exit;
    }

    /** Writes {@code text} to {@code file}, creating its directory; a one-line error otherwise. */
    static void writeFile(Path file, String text) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            // Reports and runbooks are attached to tickets: the same filter as the terminal's.
            Files.writeString(file, Redacting.redact(text));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static String ms(Duration d) {
        if (d == null) {
            return "-";
        }
        long millis = d.toMillis();
        return millis < 10_000 ? millis + " ms" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
