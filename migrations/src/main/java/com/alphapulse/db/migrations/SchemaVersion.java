package com.alphapulse.db.migrations;

import java.util.Objects;
import org.jooq.Schema;

/**
 * One version of a {@link MigrationSet}: its forward migration and its undo script.
 */
public final class SchemaVersion implements Comparable<SchemaVersion> {

    private final MigrationSet set;
    private final Version version;
    private final String description;
    private final String migrationScript;
    private final String undoScript;

    SchemaVersion(MigrationSet set, Version version, String description, String migrationScript, String undoScript) {
        this.set = set;
        this.version = version;
        this.description = description;
        this.migrationScript = migrationScript;
        this.undoScript = undoScript;
    }

    /** The set this version belongs to. */
    public MigrationSet set() {
        return set;
    }

    public Version version() {
        return version;
    }

    /** The Flyway version number, e.g. 7. */
    public int number() {
        return version.number();
    }

    /** What the migration does, e.g. "domain tenant id". */
    public String description() {
        return description;
    }

    /** The three-digit label used in file names and messages, e.g. "007". */
    public String label() {
        return version.label();
    }

    /** The Flyway version string, e.g. "7". */
    public String flywayVersion() {
        return version.flywayVersion();
    }

    /** The forward script's file name, e.g. {@code V007__domain_tenant_id.sql}. */
    public String migrationScript() {
        return migrationScript;
    }

    /** The undo script's file name, e.g. {@code U007__domain_tenant_id.sql}. */
    public String undoScript() {
        return undoScript;
    }

    /** Where the undo script is, for messages: the set's location and the file name. */
    public String undoResource() {
        return set.describe("undo/" + undoScript);
    }

    /** The text of the forward migration. */
    public String migrationSql() {
        return set.read("migration/" + migrationScript);
    }

    /** The text of the undo script. */
    public String undoSql() {
        return set.read("undo/" + undoScript);
    }

    /**
     * The expected result of one catalog query (see {@link CatalogQueries}) at this version, as jOOQ JSON
     * ({@code DSLContext.fetchFromJSON}), generated at build time from a real PostgreSQL.
     */
    public String expectedCatalogJson(String query) {
        return set.read("expected/V" + label() + "/" + query + ".json");
    }

    /**
     * {@link #expectedCatalogJson} as rows of text, column name to value ({@code null} for SQL NULL) in the query's
     * column order: what {@link CatalogQueries#rows} gives for the same query on a live database, read without jOOQ.
     */
    public java.util.List<java.util.Map<String, String>> expectedCatalog(String query) {
        return com.alphapulse.db.migrations.internal.CatalogRows.parse(expectedCatalogJson(query));
    }

    /**
     * The generated jOOQ schema of this version, when the set has compiled types
     * ({@link MigrationSet#jooqPackagePrefix()}); a set read from a directory has none.
     */
    public java.util.Optional<Schema> jooqSchema() {
        return set.jooqSchema(this);
    }

    /** By version; consistent with {@link #equals} only among the versions of one set, which is how they are sorted. */
    @Override
    public int compareTo(SchemaVersion other) {
        return version.compareTo(other.version);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SchemaVersion v && v.set == set && v.version.equals(version);
    }

    @Override
    public int hashCode() {
        return Objects.hash(System.identityHashCode(set), version);
    }

    @Override
    public String toString() {
        return label() + " " + description;
    }
}
