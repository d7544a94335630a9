package com.alphapulse.db.codegen;

import com.alphapulse.db.migrations.CatalogQueries;
import com.alphapulse.db.migrations.MigrationFlyway;
import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.migrations.SchemaVersion;
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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jooq.DSLContext;
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
 * Migrates one fresh database per version of a migration set on a real PostgreSQL and, from each, writes
 * the version's expected catalog (the result of every {@link CatalogQueries} query as jOOQ JSON under
 * {@code expected/VNNN/}) and, when a package prefix is given, its jOOQ package ({@code PREFIXnnn}); the
 * head version also into the head alias package. Writes the set's index {@code versions.properties}.
 *
 * <p>Arguments: the set's directory (with {@code migration/} and {@code undo/}), the Java output directory,
 * the resource output directory (the set's generated root), the version of the PostgreSQL binaries, and
 * optionally the jOOQ package prefix and the head alias package. Skips all work when a hash of the inputs
 * equals the one recorded by the last run.
 */
public final class SchemaCodegen {

    // Bump when the generator's output format changes, so stale output is regenerated.
    private static final String GENERATOR_REVISION = "4";
    private static final Logger LOG = LoggerFactory.getLogger(SchemaCodegen.class);

    private SchemaCodegen() {}

    /** What to generate for one set. */
    public record Request(Path setDir, Path javaOut, Path resourcesOut, String packagePrefix, String headPackage) {}

    public static void main(String[] args) throws Exception {
        if (args.length < 4 || args.length > 6) {
            throw new IllegalArgumentException("usage: SchemaCodegen <set dir> <java out> <resources out> "
                    + "<postgresql binaries version> [<jOOQ package prefix> [<head alias package>]]");
        }
        Request request = new Request(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]),
                args.length > 4 ? args[4] : null, args.length > 5 ? args[5] : null);
        String hash = inputHash(request, args[3]);
        Path stamp = request.resourcesOut().resolve(".inputs.sha256");
        if (Files.exists(stamp) && Files.readString(stamp).equals(hash) && Files.isDirectory(request.javaOut())
                && Files.isDirectory(request.resourcesOut().resolve("expected"))) {
            LOG.info("schema unchanged ({}), generated sources are up to date", hash.substring(0, 12));
            return;
        }
        try (PostgresProvider pg = PostgresProvider.open()) {
            generate(pg, request);
        }
        Files.writeString(stamp, hash);
    }

    /**
     * Generates everything for {@code request} on {@code pg} (one scratch database per version, dropped
     * afterwards). Existing output is replaced.
     */
    public static void generate(PostgresProvider pg, Request request) throws Exception {
        MigrationSet set = MigrationSet.directory(request.setDir());
        if (request.packagePrefix() != null) {
            deleteTree(request.javaOut());
        }
        deleteTree(request.resourcesOut().resolve("expected"));
        Files.createDirectories(request.resourcesOut());
        Files.writeString(request.resourcesOut().resolve(MigrationSet.INDEX), set.indexText());
        long start = System.nanoTime();
        for (SchemaVersion v : set.versions()) {
            generate(pg, set, request, v, v.equals(set.head()));
        }
        LOG.info("generated {} schema versions of {} in {} ms", set.versions().size(), request.setDir(),
                (System.nanoTime() - start) / 1_000_000);
    }

    private static void generate(PostgresProvider pg, MigrationSet set, Request request, SchemaVersion e, boolean head)
            throws Exception {
        Database db = pg.createDatabase("codegen_v" + e.label());
        try {
            MigrationFlyway.migrate(set, db.dataSource(), e.version());
            if (request.packagePrefix() != null) {
                jooq(db, request.packagePrefix() + e.label(), request.javaOut());
                if (head && request.headPackage() != null) {
                    jooq(db, request.headPackage(), request.javaOut());
                }
            }
            dumpCatalog(db, set, request.resourcesOut().resolve("expected/V" + e.label()));
        } finally {
            pg.dropDatabase(db);
        }
    }

    private static void jooq(Database db, String packageName, Path javaOut) throws Exception {
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
                                .withExcludes(MigrationFlyway.HISTORY_TABLE))
                        .withGenerate(new Generate()
                                .withRecords(true)
                                .withPojos(false)
                                .withDaos(false)
                                .withGeneratedAnnotation(false)
                                .withJavadoc(true))
                        .withTarget(new Target()
                                .withPackageName(packageName)
                                .withDirectory(javaOut.toString())
                                .withClean(true))));
    }

    private static void dumpCatalog(Database db, MigrationSet set, Path out) throws IOException, SQLException {
        Files.createDirectories(out);
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            DSLContext ctx = DSL.using(c);
            ctx.execute("SELECT set_config('search_path', ?, true)", CatalogQueries.SEARCH_PATH);
            for (Map.Entry<String, String> q : CatalogQueries.sql(set).entrySet()) {
                Files.writeString(out.resolve(q.getKey() + ".json"), ctx.fetch(q.getValue()).formatJSON());
            }
            c.rollback();
        }
    }

    static String inputHash(Request request, String postgresVersion) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(GENERATOR_REVISION.getBytes(StandardCharsets.UTF_8));
        digest.update(postgresVersion.getBytes(StandardCharsets.UTF_8));
        // another jOOQ generates other sources
        digest.update(org.jooq.Constants.FULL_VERSION.getBytes(StandardCharsets.UTF_8));
        digest.update(String.valueOf(request.packagePrefix()).getBytes(StandardCharsets.UTF_8));
        digest.update(String.valueOf(request.headPackage()).getBytes(StandardCharsets.UTF_8));
        // an external server (see PostgresProvider) may be another major than the embedded binaries
        digest.update(System.getProperty("alphapulse.pg.url", "").getBytes(StandardCharsets.UTF_8));
        digest.update(String.valueOf(System.getenv("ALPHAPULSE_PG_URL")).getBytes(StandardCharsets.UTF_8));
        for (String q : CatalogQueries.templates().values()) {
            digest.update(q.getBytes(StandardCharsets.UTF_8));
        }
        for (String dir : List.of("migration", "undo")) {
            Path d = request.setDir().resolve(dir);
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
