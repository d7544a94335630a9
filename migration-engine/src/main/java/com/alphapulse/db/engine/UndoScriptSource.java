package com.alphapulse.db.engine;

import com.alphapulse.db.migrations.SchemaException;
import com.alphapulse.db.migrations.SchemaVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the engine reads the script that returns a version to the one before it. The default is the
 * migration set's own {@code undo/UNNN__*.sql}.
 */
@FunctionalInterface
public interface UndoScriptSource {

    /** The undo script of {@code version}, or empty when there is none. */
    Optional<String> undoSql(SchemaVersion version);

    /** The undo scripts of the set each version belongs to ({@link SchemaVersion#undoSql()}). */
    static UndoScriptSource of(com.alphapulse.db.migrations.MigrationSet set) {
        java.util.Objects.requireNonNull(set, "set");
        return version -> {
            try {
                return Optional.of(version.undoSql());
            } catch (SchemaException e) {
                return Optional.empty();
            }
        };
    }

    /**
     * Undo scripts in a directory, named as in the set ({@code U007__domain_tenant_id.sql}): the file name
     * {@link SchemaVersion#undoScript()} looked up in {@code dir}.
     */
    static UndoScriptSource directory(Path dir) {
        Objects.requireNonNull(dir, "dir");
        return version -> {
            Path file = dir.resolve(version.undoScript());
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            try {
                return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        };
    }
}
