package com.alphapulse.db.codegen;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.jooq.codegen.GenerationTool;
import org.jooq.impl.DSL;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Jdbc;
import org.jooq.meta.jaxb.Logging;
import org.jooq.meta.jaxb.Target;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Migrates one fresh database per schema version on a real PostgreSQL and, from each, generates the
 * version's jOOQ package ({@code com.alphapulse.db.schema.vNNN}) and its expected catalog (the result of
 * every {@code catalog/*.sql} query as jOOQ JSON under {@code db/expected/VNNN/}). Also writes
 * {@code db/versions.properties}, the index of versions and their scripts.
 *
 * <p>Arguments: the schema module's resources directory, the Java output directory, the resource output
 * directory, and the version of the PostgreSQL binaries. Skips all work when a hash of the inputs equals the
 * one recorded by the last run.
 */
public final class SchemaCodegen {

    static final String PACKAGE_PREFIX = "com.alphapulse.db.schema.v";
    // Bump when the generator's output format changes, so stale output is regenerated.
    private static final String GENERATOR_REVISION = "3";
    private static final Pattern MIGRATION = Pattern.compile("V(\\d+)__(\\w+)\\.sql");
    private static final Logger LOG = LoggerFactory.getLogger(SchemaCodegen.class);

    private SchemaCodegen() {}

    /** One migration found in the sources. */
    record Version(int number, String description, String migration, String undo) {
        String label() {
            return String.format(Locale.ROOT, "%03d", number);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException(
                    "usage: SchemaCodegen <resources dir> <java out> <resources out> <postgresql binaries version>");
        }
        Path resources = Path.of(args[0]);
        Path javaOut = Path.of(args[1]);
        Path resourcesOut = Path.of(args[2]);
        List<Version> versions = versions(resources);
        String hash = inputHash(resources, args[3]);
        Path stamp = resourcesOut.resolve("db/.inputs.sha256");
        if (Files.exists(stamp) && Files.readString(stamp).equals(hash) && Files.isDirectory(javaOut)) {
            LOG.info("schema unchanged ({}), generated sources are up to date", hash.substring(0, 12));
            return;
        }
        deleteTree(javaOut);
        deleteTree(resourcesOut);
        long start = System.nanoTime();
        try (PostgresProvider pg = PostgresProvider.open()) {
            for (Version v : versions) {
                generate(pg, resources, v, javaOut, resourcesOut);
            }
        }
        writeIndex(versions, resourcesOut.resolve("db/versions.properties"));
        Files.writeString(stamp, hash);
        LOG.info("generated {} schema versions in {} ms", versions.size(), (System.nanoTime() - start) / 1_000_000);
    }

    static List<Version> versions(Path resources) throws IOException {
        List<Version> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(resources.resolve("db/migration"))) {
            for (Path p : files.sorted().toList()) {
                Matcher m = MIGRATION.matcher(p.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                int number = Integer.parseInt(m.group(1));
                String undoName = "U" + m.group(1) + "__" + m.group(2) + ".sql";
                if (!Files.exists(resources.resolve("db/undo").resolve(undoName))) {
                    throw new IllegalStateException("migration " + p.getFileName() + " has no undo script db/undo/" + undoName);
                }
                found.add(new Version(number, m.group(2).replace('_', ' '),
                        "db/migration/" + p.getFileName(), "db/undo/" + undoName));
            }
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("no migrations under " + resources.resolve("db/migration"));
        }
        return found;
    }

    private static void generate(PostgresProvider pg, Path resources, Version v, Path javaOut, Path resourcesOut)
            throws Exception {
        Database db = pg.createDatabase("codegen_v" + v.label());
        try {
            flyway(db, resources).target(String.valueOf(v.number())).load().migrate();
            GenerationTool.generate(new Configuration()
                    .withLogging(Logging.WARN)
                    .withJdbc(new Jdbc()
                            .withDriver("org.postgresql.Driver")
                            .withUrl(db.jdbcUrl())
                            .withUser(db.adminUser())
                            .withPassword(db.adminPassword()))
                    .withGenerator(new Generator()
                            .withDatabase(new org.jooq.meta.jaxb.Database()
                                    .withName("org.jooq.meta.postgres.PostgresDatabase")
                                    .withInputSchema("public")
                                    .withIncludes(".*")
                                    .withExcludes("flyway_schema_history"))
                            .withGenerate(new Generate()
                                    .withRecords(true)
                                    .withPojos(false)
                                    .withDaos(false)
                                    .withGeneratedAnnotation(false)
                                    .withJavadoc(true))
                            .withTarget(new Target()
                                    .withPackageName(PACKAGE_PREFIX + v.label())
                                    .withDirectory(javaOut.toString())
                                    .withClean(true))));
            dumpCatalog(db, resources, resourcesOut.resolve("db/expected/V" + v.label()));
        } finally {
            pg.dropDatabase(db);
        }
    }

    static FluentConfiguration flyway(Database db, Path resources) {
        FluentConfiguration config = Flyway.configure()
                .dataSource(db.dataSource())
                .locations("filesystem:" + resources.resolve("db/migration"))
                .cleanDisabled(true);
        // The default transactional lock makes CREATE INDEX CONCURRENTLY wait forever on Flyway's own transaction.
        config.getPluginRegister().getPlugin(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
        return config;
    }

    private static void dumpCatalog(Database db, Path resources, Path out) throws IOException, SQLException {
        Files.createDirectories(out);
        try (Connection c = db.connect(); Stream<Path> queries = Files.list(resources.resolve("catalog"))) {
            for (Path q : queries.filter(p -> p.toString().endsWith(".sql")).sorted().toList()) {
                String json = DSL.using(c).fetch(Files.readString(q)).formatJSON();
                String name = q.getFileName().toString().replace(".sql", ".json");
                Files.writeString(out.resolve(name), json);
            }
        }
    }

    private static void writeIndex(List<Version> versions, Path file) throws IOException {
        StringBuilder sb = new StringBuilder("# Generated by SchemaCodegen: the schema versions in order.\n");
        StringBuilder order = new StringBuilder();
        for (Version v : versions) {
            String key = "version." + v.label();
            sb.append(key).append(".description=").append(v.description()).append('\n');
            sb.append(key).append(".migration=").append(v.migration()).append('\n');
            sb.append(key).append(".undo=").append(v.undo()).append('\n');
            order.append(order.length() == 0 ? "" : ",").append(v.label());
        }
        sb.append("versions=").append(order).append('\n');
        Files.createDirectories(file.getParent());
        Files.writeString(file, sb.toString());
    }

    static String inputHash(Path resources, String postgresVersion) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(GENERATOR_REVISION.getBytes(StandardCharsets.UTF_8));
        digest.update(postgresVersion.getBytes(StandardCharsets.UTF_8));
        // an external server (see PostgresProvider) may be another major than the embedded binaries
        digest.update(System.getProperty("alphapulse.pg.url", "").getBytes(StandardCharsets.UTF_8));
        digest.update(String.valueOf(System.getenv("ALPHAPULSE_PG_URL")).getBytes(StandardCharsets.UTF_8));
        for (String dir : List.of("db/migration", "db/undo", "catalog")) {
            Path d = resources.resolve(dir);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> files = Files.list(d)) {
                for (Path p : files.sorted().toList()) {
                    digest.update(p.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                    digest.update(Files.readAllBytes(p));
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(p);
            }
        }
    }
}
