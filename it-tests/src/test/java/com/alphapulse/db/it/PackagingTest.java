package com.alphapulse.db.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.alphapulse.db.cli.Main;
import com.alphapulse.db.migrations.CatalogQueries;
import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.schema.AlphaPulseSchema;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What the package phase publishes, read from the jars this test's own classpath resolved to: under {@code mvn verify}
 * (or {@code package}) those are the jars of this very build, never a stale file of an earlier one. Under
 * {@code mvn test} the reactor hands out target/classes instead, and the checks that need a jar are skipped; the
 * checks of the POMs run either way.
 */
class PackagingTest {

    private static final Pattern VERSION_ENTRY = Pattern.compile("com/alphapulse/db/schema/v(\\d{3})/.*");
    private static final Pattern HEAD_CLASS = Pattern.compile("com/alphapulse/db/schema/head/(.+\\.class)");
    // Lower-case dotted Java identifiers: what the module system accepts and what our root packages look like.
    private static final Pattern MODULE_NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
    private static final String VERSIONS_MODULE = "com.alphapulse.db.schema.versions";
    private static final MigrationSet SET = AlphaPulseSchema.migrations();
    private static final Set<Path> CLASSPATH = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(p -> Path.of(p).toAbsolutePath().normalize()).collect(Collectors.toSet());

    @Test
    void the_schema_jar_carries_head_and_the_migration_set_but_nothing_of_a_version_package() throws Exception {
        List<String> entries = entries(builtJar(AlphaPulseSchema.class));

        assertThat(entries).filteredOn(e -> VERSION_ENTRY.matcher(e).matches()).as("per-version entries").isEmpty();
        assertThat(entries).contains("com/alphapulse/db/schema/AlphaPulseSchema.class",
                "com/alphapulse/db/schema/head/Tables.class", "db/alphapulse/versions.properties");
        for (SchemaVersion v : SET.versions()) {
            for (String query : CatalogQueries.NAMES) {
                assertThat(entries).contains("db/alphapulse/expected/V" + v.label() + "/" + query + ".json");
            }
            assertThat(entries).anyMatch(e -> e.startsWith("db/alphapulse/migration/V" + v.label() + "__"))
                    .anyMatch(e -> e.startsWith("db/alphapulse/undo/U" + v.label() + "__"));
        }
    }

    @Test
    void the_versions_jar_carries_every_versions_classes_and_nothing_else_and_head_mirrors_the_newest() throws Exception {
        Path main = builtJar(AlphaPulseSchema.class);
        Path versions = builtJar(versionClass(SET.head()));
        assertThat(versions).isNotEqualTo(main);
        for (SchemaVersion v : SET.versions()) {
            assertThat(builtJar(versionClass(v))).as("jar of version %s", v.label()).isEqualTo(versions);
        }

        List<String> entries = entries(versions);
        assertThat(entries).allMatch(e -> e.equals("META-INF/MANIFEST.MF") || VERSION_ENTRY.matcher(e).matches());
        assertThat(entries.stream().map(VERSION_ENTRY::matcher).filter(Matcher::matches).map(m -> m.group(1)).distinct())
                .containsExactlyInAnyOrderElementsOf(SET.versions().stream().map(SchemaVersion::label).toList());

        // head is generated apart from the newest version's package; same classes, or a service sees another schema.
        String newest = "com/alphapulse/db/schema/v" + SET.head().label() + "/";
        assertThat(relative(entries(main), HEAD_CLASS)).isNotEmpty().isEqualTo(entries.stream()
                .filter(e -> e.startsWith(newest) && e.endsWith(".class")).map(e -> e.substring(newest.length()))
                .collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void the_schema_sources_jars_follow_the_same_split() throws Exception {
        Path main = builtJar(AlphaPulseSchema.class);
        String base = main.getFileName().toString().replace(".jar", "");
        List<String> sources = entries(main.resolveSibling(base + "-sources.jar"));
        List<String> versionSources = entries(main.resolveSibling(base + "-versions-sources.jar"));

        assertThat(sources).contains("com/alphapulse/db/schema/head/Tables.java")
                .noneMatch(e -> VERSION_ENTRY.matcher(e).matches());
        assertThat(versionSources).isNotEmpty().allMatch(e -> e.equals("META-INF/MANIFEST.MF")
                || VERSION_ENTRY.matcher(e).matches() && e.endsWith(".java"));
    }

    @Test
    void every_library_module_publishes_a_sources_and_a_javadoc_jar_of_what_its_jar_holds() throws Exception {
        List<Poms.Module> libraries = Poms.modules().stream().filter(Poms.Module::isLibrary).toList();
        assertThat(libraries).extracting(Poms.Module::dir)
                .contains("postgres", "migrations", "schema", "tenant-model");
        for (Poms.Module m : libraries) {
            Path jar = builtJar(m);
            String base = jar.getFileName().toString().replace(".jar", "");
            List<String> sources = entries(jar.resolveSibling(base + "-sources.jar"));
            // The javadoc plugin documents a module named in the jar's manifest as a module: pages under its name.
            String module = m.properties().get("automatic.module.name") + "/";
            List<String> javadoc = entries(jar.resolveSibling(base + "-javadoc.jar")).stream()
                    .map(e -> e.startsWith(module) ? e.substring(module.length()) : e).toList();
            Set<String> apiPackages = new TreeSet<>();
            for (String c : entries(jar)) {
                if (c.endsWith(".class") && !c.contains("$") && !VERSION_ENTRY.matcher(c).matches()) {
                    // MapStruct's generated implementations are compiled from target/generated-sources: in the jar too
                    assertThat(sources).as("sources of %s", m.dir()).contains(c.replace(".class", ".java"));
                    String pkg = c.substring(0, c.lastIndexOf('/'));
                    if (!pkg.endsWith("/internal") && !pkg.contains("/internal/")) {
                        apiPackages.add(pkg);
                    }
                }
            }
            assertThat(apiPackages).as("API packages of %s", m.dir()).isNotEmpty();
            assertThat(javadoc).as("javadoc of %s", m.dir()).contains("index.html")
                    .containsAll(apiPackages.stream().map(p -> p + "/package-summary.html").toList())
                    .noneMatch(e -> e.contains("/internal/"));
        }
    }

    @Test
    void every_jar_module_declares_a_distinct_valid_automatic_module_name_which_is_its_root_package() {
        Map<String, String> names = new HashMap<>();
        for (Poms.Module m : Poms.modules()) {
            if (m.isJar()) {
                String name = m.properties().get("automatic.module.name");
                assertThat(name).as("automatic.module.name of %s (the parent pom writes it into the manifest)", m.dir())
                        .isNotNull().matches(MODULE_NAME);
                if (ArchitectureRules.MODULES.containsKey(m.dir())) {
                    assertThat(name).as(m.dir()).isEqualTo(ArchitectureRules.MODULES.get(m.dir()));
                }
                names.put(m.dir(), name);
            }
        }
        assertThat(names).containsEntry("schema", "com.alphapulse.db.schema").containsEntry("tenant-model", "com.alphapulse.tenant");
        List<String> all = new ArrayList<>(names.values());
        all.add(VERSIONS_MODULE);
        assertThat(all).doesNotHaveDuplicates();
    }

    @Test
    void every_jar_of_this_build_names_its_module_in_its_manifest() throws Exception {
        for (Poms.Module m : Poms.modules()) {
            // it-tests packages after its own tests; its (empty) jar is no jar anybody loads
            if (m.isJar() && !m.dir().equals("it-tests")) {
                assertThat(manifest(builtJar(m)).getValue("Automatic-Module-Name")).as(m.dir())
                        .isEqualTo(m.properties().get("automatic.module.name"));
            }
        }
        assertThat(manifest(builtJar(versionClass(SET.head()))).getValue("Automatic-Module-Name")).isEqualTo(VERSIONS_MODULE);
    }

    @Test
    void the_shaded_cli_jar_keeps_its_main_class() throws Exception {
        // shade runs in the same package phase as the thin jar this classpath holds, so cli.jar is of this build too
        Path shaded = builtJar(Main.class).resolveSibling("cli.jar");
        assertThat(manifest(shaded).getValue(Attributes.Name.MAIN_CLASS)).isEqualTo(Main.class.getName());
    }

    private static Class<?> versionClass(SchemaVersion v) throws ClassNotFoundException {
        return Class.forName("com.alphapulse.db.schema.v" + v.label() + ".Public");
    }

    /** The jar {@code c} was loaded from; the test is skipped when it came from a classes directory. */
    private static Path builtJar(Class<?> c) throws URISyntaxException {
        Path p = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        assumeThat(Files.isRegularFile(p)).as("%s from %s: run the reactor through package (mvn verify)", c.getName(), p)
                .isTrue();
        return p;
    }

    private static Path builtJar(Poms.Module m) {
        Path jar = m.target().resolve(m.artifactId() + "-" + Poms.version() + ".jar");
        if (!CLASSPATH.contains(jar)) {
            assertThat(CLASSPATH).as("%s on the test classpath: it-tests depends on every module (docs/architecture.md)",
                    m.dir()).contains(m.target().resolve("classes"));
            assumeThat(jar).as("%s not packaged in this build: run the reactor through package (mvn verify)", m.dir())
                    .isIn(CLASSPATH);
        }
        return jar;
    }

    /** The file entries of a jar, directories left out. */
    private static List<String> entries(Path jar) throws IOException {
        assertThat(jar).isRegularFile();
        try (JarFile f = new JarFile(jar.toFile())) {
            return f.stream().filter(e -> !e.isDirectory()).map(e -> e.getName()).toList();
        }
    }

    private static Set<String> relative(List<String> entries, Pattern pattern) {
        return entries.stream().map(pattern::matcher).filter(Matcher::matches).map(m -> m.group(1))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Attributes manifest(Path jar) throws IOException {
        assertThat(jar).isRegularFile();
        try (JarFile f = new JarFile(jar.toFile())) {
            assertThat(f.getManifest()).as("manifest of %s", jar).isNotNull();
            return f.getManifest().getMainAttributes();
        }
    }
}
