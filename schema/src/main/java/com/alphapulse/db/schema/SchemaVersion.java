package com.alphapulse.db.schema;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jooq.Schema;

/**
 * One version of the schema.
 *
 * @param number the Flyway version, e.g. 7
 * @param description what the migration does, e.g. "domain tenant id"
 * @param migrationResource classpath resource of the Flyway script
 * @param undoResource classpath resource of the script that returns to the previous version
 */
public record SchemaVersion(int number, String description, String migrationResource, String undoResource)
        implements Comparable<SchemaVersion> {

    /** The three-digit label used in file names and messages, e.g. "007". */
    public String label() {
        return String.format(Locale.ROOT, "%03d", number);
    }

    /** The Flyway version string, e.g. "7". */
    public String flywayVersion() {
        return String.valueOf(number);
    }

    /** The text of the forward migration. */
    public String migrationSql() {
        return AlphaPulseSchema.resource(migrationResource);
    }

    /** The text of the undo script. */
    public String undoSql() {
        return AlphaPulseSchema.resource(undoResource);
    }

    /**
     * The expected result of one catalog query (see {@link AlphaPulseSchema#catalogQueries()}) at this
     * version, as jOOQ JSON ({@code DSLContext.fetchFromJSON}).
     */
    public String expectedCatalogJson(String query) {
        return AlphaPulseSchema.resource("db/expected/V" + label() + "/" + query + ".json");
    }

    /** The generated jOOQ schema of this version (package {@code com.alphapulse.db.schema.vNNN}). */
    public Schema jooqSchema() {
        String className = "com.alphapulse.db.schema.v" + label() + ".Public";
        try {
            return (Schema) Class.forName(className).getField("PUBLIC").get(null);
        } catch (ReflectiveOperationException e) {
            throw new SchemaException(SchemaException.Code.MISSING_RESOURCE,
                    "no generated jOOQ types for version " + label() + " (" + className + ")");
        }
    }

    @Override
    public int compareTo(SchemaVersion other) {
        return Integer.compare(number, other.number);
    }

    @Override
    public String toString() {
        return label() + " " + description;
    }

    static String read(InputStream in, String name) {
        if (in == null) {
            throw new SchemaException(SchemaException.Code.MISSING_RESOURCE, "missing resource " + name);
        }
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SchemaException(SchemaException.Code.MISSING_RESOURCE, "cannot read " + name + ": " + e.getMessage());
        }
    }
}
