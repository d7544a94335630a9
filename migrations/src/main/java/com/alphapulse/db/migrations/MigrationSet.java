package com.alphapulse.db.migrations;

import com.alphapulse.db.migrations.internal.SetFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jooq.Schema;

/**
 * A migration set as data: its versions in order, each with a Flyway forward script and an undo script,
 * and the expected catalog of every version that the build generated from a real PostgreSQL. Everything
 * that migrates, rolls back, verifies or rehearses is given a set; nothing knows a version by heart.
 *
 * <p>A set lives under one root with the layout
 * <pre>
 *   ROOT/migration/V007__domain_tenant_id.sql     Flyway's forward script (and an optional .sql.conf)
 *   ROOT/undo/U007__domain_tenant_id.sql          returns version 007 to 006
 *   ROOT/expected/V007/*.json                     generated: the catalog queries' results at 007
 *   ROOT/versions.properties                      generated: the index of versions (for the classpath)
 * </pre>
 * either on the classpath ({@link #classpath}) or in a directory ({@link #directory}).
 */
public final class MigrationSet {

    private final String name;
    private final ClassLoader loader;
    private final String resourceRoot;
    private final Path directory;
    private final String jooqPackagePrefix;
    private final List<SchemaVersion> versions;
    private final java.util.concurrent.ConcurrentHashMap<Object, Object> derived = new java.util.concurrent.ConcurrentHashMap<>();

    private MigrationSet(String name, ClassLoader loader, String resourceRoot, Path directory, String jooqPackagePrefix,
            List<SetFiles.Entry> entries) {
        this.name = name;
        this.loader = loader;
        this.resourceRoot = resourceRoot;
        this.directory = directory;
        this.jooqPackagePrefix = jooqPackagePrefix;
        List<SchemaVersion> list = new ArrayList<>();
        for (SetFiles.Entry e : entries) {
            list.add(new SchemaVersion(this, Version.of(e.number()), e.description(), e.migration(), e.undo()));
        }
        list.sort(null);
        if (list.isEmpty()) {
            throw new SchemaException(SchemaException.Code.INVALID_SET, "migration set " + name + " has no versions");
        }
        this.versions = List.copyOf(list);
    }

    /**
     * The set under {@code resourceRoot} on the classpath of {@code loader}, indexed by its generated
     * {@code versions.properties}.
     *
     * @param jooqPackagePrefix the package prefix of the generated jOOQ types ({@code com.example.v} for
     *     {@code com.example.v007}), or null when the set has none
     */
    public static MigrationSet classpath(ClassLoader loader, String resourceRoot, String jooqPackagePrefix) {
        Objects.requireNonNull(loader, "loader");
        String root = trimSlashes(resourceRoot);
        String index = read(loader.getResourceAsStream(root + "/" + SetFiles.INDEX), "classpath:" + root + "/" + SetFiles.INDEX);
        return new MigrationSet(root, loader, root, null, jooqPackagePrefix, SetFiles.readIndex(index));
    }

    /**
     * The set in {@code dir}: its versions are the {@code migration/V*.sql} files there, each with its undo
     * script; its expected catalogs are read from {@code dir/expected} (the code generator writes them).
     */
    public static MigrationSet directory(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        return new MigrationSet(root.toString(), null, null, root, null, SetFiles.scan(root));
    }

    /** The text of this set's index ({@code versions.properties}), as the code generator writes it for the classpath. */
    public String indexText() {
        return SetFiles.index(versions.stream().map(v -> new SetFiles.Entry(v.number(), v.description(),
                v.migrationScript(), v.undoScript())).toList());
    }

    /** The file name of the index under the set's root. */
    public static final String INDEX = SetFiles.INDEX;

    /**
     * Data derived from this set (e.g. its parsed expected catalogs), computed once and kept exactly as long
     * as the set: a caller that builds sets on the fly leaks nothing into a static cache.
     */
    @SuppressWarnings("unchecked")
    public <T> T derived(Object key, java.util.function.Supplier<T> compute) {
        // Not computeIfAbsent: a computation may ask for other derived data (roles inside the catalog queries,
        // each version's expected state inside the varying columns), which ConcurrentHashMap refuses as a
        // recursive update. Two threads may compute the same value once each; the first one stored wins.
        Object value = derived.get(key);
        if (value == null) {
            Object computed = compute.get();
            value = derived.putIfAbsent(key, computed);
            if (value == null) {
                value = computed;
            }
        }
        return (T) value;
    }

    private static final java.util.regex.Pattern CREATE_ROLE = java.util.regex.Pattern.compile(
            "(?i)\\bCREATE\\s+(?:ROLE|USER)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(?:\"((?:[^\"]|\"\")+)\"|([A-Za-z_][A-Za-z0-9_$]*))");
    private static final java.util.regex.Pattern COMMENTS = java.util.regex.Pattern.compile("(?s)/\\*.*?\\*/|--[^\\n]*");

    /**
     * The roles the set's forward scripts create ({@code CREATE ROLE|USER name}, also inside DO blocks; not in
     * comments), sorted, as PostgreSQL names them (unquoted names folded to lower case, quoted ones kept): the
     * only cluster-wide objects a version's expected catalog describes.
     */
    public java.util.SortedSet<String> roles() {
        return derived("roles", () -> {
            java.util.SortedSet<String> names = new java.util.TreeSet<>();
            for (SchemaVersion v : versions) {
                java.util.regex.Matcher m = CREATE_ROLE.matcher(COMMENTS.matcher(v.migrationSql()).replaceAll(" "));
                while (m.find()) {
                    names.add(m.group(1) != null ? m.group(1).replace("\"\"", "\"")
                            : m.group(2).toLowerCase(java.util.Locale.ROOT));
                }
            }
            return java.util.Collections.unmodifiableSortedSet(names);
        });
    }

    /** A name for messages: the resource root or the directory. */
    public String name() {
        return name;
    }

    /** All versions, oldest first. */
    public List<SchemaVersion> versions() {
        return versions;
    }

    public SchemaVersion first() {
        return versions.get(0);
    }

    /** The newest version. */
    public SchemaVersion head() {
        return versions.get(versions.size() - 1);
    }

    /** The version of this set with number {@code v}; empty for BASE and unknown versions. */
    public Optional<SchemaVersion> get(Version v) {
        return versions.stream().filter(s -> s.version().equals(v)).findFirst();
    }

    /** The version that {@code text} names ("7", "007", "V007"), if this set has it. */
    public Optional<SchemaVersion> find(String text) {
        return Version.parse(text).flatMap(this::get);
    }

    /** The version that {@code text} names; a {@link SchemaException} with the known versions otherwise. */
    public SchemaVersion version(String text) {
        return find(text).orElseThrow(() -> new SchemaException(SchemaException.Code.UNKNOWN_VERSION,
                "unknown schema version '" + text + "'; known versions: " + labels()));
    }

    /** The version {@code v}; a {@link SchemaException} with the known versions when this set lacks it. */
    public SchemaVersion require(Version v) {
        return get(v).orElseThrow(() -> new SchemaException(SchemaException.Code.UNKNOWN_VERSION,
                "version " + v.label() + " is unknown to migration set " + name + "; known versions: " + labels()));
    }

    /** The version just below {@code v}, or BASE for the first. */
    public Version previous(Version v) {
        Version below = Version.BASE;
        for (SchemaVersion s : versions) {
            if (s.version().isBelow(v)) {
                below = s.version();
            }
        }
        return below;
    }

    /** The version just above {@code v}, or empty at head. */
    public Optional<SchemaVersion> next(Version v) {
        return versions.stream().filter(s -> s.version().isAbove(v)).findFirst();
    }

    /** The versions above {@code low} up to and including {@code high}, oldest first. */
    public List<SchemaVersion> between(Version low, Version high) {
        return versions.stream().filter(s -> s.version().isAbove(low) && !s.version().isAbove(high)).toList();
    }

    /** The known versions' labels, for messages. */
    public String labels() {
        return String.join(", ", versions.stream().map(SchemaVersion::label).toList());
    }

    /** Flyway's location of the forward scripts ({@code classpath:…/migration} or {@code filesystem:…/migration}). */
    public String flywayLocation() {
        return directory != null ? "filesystem:" + directory.resolve("migration") : "classpath:" + resourceRoot + "/migration";
    }

    /** The class loader Flyway scans a classpath set with; this class's own for a directory set. */
    public ClassLoader classLoader() {
        return loader != null ? loader : MigrationSet.class.getClassLoader();
    }

    /** The directory of a set read from one. */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    /** The package prefix of the set's generated jOOQ types, if it has them. */
    public Optional<String> jooqPackagePrefix() {
        return Optional.ofNullable(jooqPackagePrefix);
    }

    Optional<Schema> jooqSchema(SchemaVersion v) {
        if (jooqPackagePrefix == null) {
            return Optional.empty();
        }
        String className = jooqPackagePrefix + v.label() + ".Public";
        try {
            return Optional.of((Schema) Class.forName(className, true, classLoader()).getField("PUBLIC").get(null));
        } catch (ReflectiveOperationException e) {
            throw new SchemaException(SchemaException.Code.MISSING_RESOURCE,
                    "no generated jOOQ types for version " + v.label() + " (" + className + ")");
        }
    }

    /** Where {@code relative} is, for messages. */
    String describe(String relative) {
        return directory != null ? directory.resolve(relative).toString() : resourceRoot + "/" + relative;
    }

    /** The text of {@code relative} under the set's root; MISSING_RESOURCE when it is not there. */
    String read(String relative) {
        if (directory != null) {
            Path p = directory.resolve(relative);
            try {
                return Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.UTF_8) : read(null, p.toString());
            } catch (IOException e) {
                throw new SchemaException(SchemaException.Code.MISSING_RESOURCE, "cannot read " + p + ": " + e.getMessage());
            }
        }
        return read(loader.getResourceAsStream(resourceRoot + "/" + relative), resourceRoot + "/" + relative);
    }

    @Override
    public String toString() {
        return "MigrationSet[" + name + ", " + versions.size() + " versions, head " + head().label() + "]";
    }

    private static String read(InputStream in, String name) {
        if (in == null) {
            throw new SchemaException(SchemaException.Code.MISSING_RESOURCE, "missing resource " + name);
        }
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SchemaException(SchemaException.Code.MISSING_RESOURCE, "cannot read " + name + ": " + e.getMessage());
        }
    }

    private static String trimSlashes(String s) {
        String t = s.trim();
        while (t.startsWith("/")) {
            t = t.substring(1);
        }
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }
}
