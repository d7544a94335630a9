package com.alphapulse.db.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.postgres.ServerKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar as a process in an environment of the test's making (nothing inherited): PG* variables, the
 * password file, a service file, postgres:// URIs, the config file and connection errors, on a real server.
 *
 * <p>The embedded server trusts every local connection, so no password would ever be checked. The test therefore
 * puts two lines at the top of the server's pg_hba.conf for its own role only (scram-sha-256 over TCP) and reloads;
 * every other role keeps trust. Both lines and the role are removed afterwards.
 */
class CliConnectionTest {

    static final PostgresProvider PG = PostgresProvider.shared();
    static final Database DB = PG.createDatabase("cli_conn");
    static final String ROLE = "cli_conn_" + UUID.randomUUID().toString().substring(0, 8);
    static final String SECRET = "s3cr3t-" + UUID.randomUUID().toString().substring(0, 8);
    static Path hba;
    static String originalHba;

    @TempDir
    Path home;

    record Result(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeAll
    static void passwordRole() throws Exception {
        assumeThat(PG.kind()).as("pg_hba.conf is edited on a server this JVM started").isNotEqualTo(ServerKind.EXTERNAL);
        try (Connection c = PG.adminDatabase().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + SECRET + "'");
            s.execute("ALTER DATABASE \"" + DB.name() + "\" OWNER TO " + ROLE);
            try (ResultSet rs = s.executeQuery("SHOW hba_file")) {
                rs.next();
                hba = Path.of(rs.getString(1));
            }
            originalHba = Files.readString(hba);
            Files.writeString(hba, "host all " + ROLE + " 127.0.0.1/32 scram-sha-256\nhost all " + ROLE
                    + " ::1/128 scram-sha-256\n" + originalHba);
            s.execute("SELECT pg_reload_conf()");
        }
    }

    @AfterAll
    static void dropRole() throws Exception {
        if (hba != null) {
            Files.writeString(hba, originalHba);
        }
        try (Connection c = PG.adminDatabase().connect(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_reload_conf()");
            PG.dropDatabase(DB);
            s.execute("DROP ROLE IF EXISTS " + ROLE);
        }
    }

    Result run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + home, "-jar", CliJarTest.JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("HOME", home.toString());
        pb.environment().putAll(env);
        Path out = home.resolve("out.txt");
        Path err = home.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("cli.jar " + String.join(" ", args) + " finished").isTrue();
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    Map<String, String> pg(String user) {
        Map<String, String> env = new HashMap<>();
        env.put("PGHOST", "127.0.0.1");
        env.put("PGPORT", String.valueOf(DB.port()));
        env.put("PGDATABASE", DB.name());
        env.put("PGUSER", user);
        return env;
    }

    String uri(String password, String database) {
        return "postgres://" + ROLE + (password == null ? "" : ":" + password) + "@127.0.0.1:" + DB.port() + "/" + database;
    }

    Path write(String name, String text, String mode) throws Exception {
        Path f = home.resolve(name);
        Files.writeString(f, text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    @DisplayName("PG* variables name the server: status runs there, not on an embedded one; PGPASSWORD is used")
    void pg_variables_and_pgpassword() throws Exception {
        Result admin = run(pg(DB.adminUser()), "status");
        assertThat(admin.exit()).as(admin.all()).isZero();
        assertThat(admin.err()).doesNotContain("embedded");
        assertThat(admin.out()).contains("no migration history");

        Map<String, String> env = pg(ROLE);
        env.put("PGPASSWORD", SECRET);
        Result role = run(env, "status", "-o", "json");
        assertThat(role.exit()).as(role.all()).isZero();

        env.put("PGPASSWORD", "wrong-" + SECRET);
        Result wrong = run(env, "status");
        assertThat(wrong.exit()).isEqualTo(6);
        assertThat(wrong.err().strip()).isEqualTo("error: authentication failed for user \"" + ROLE + "\" at " + ROLE
                + "@127.0.0.1:" + DB.port() + "/" + DB.name() + ": wrong password (28P01)");
        assertThat(wrong.all()).doesNotContain(SECRET);
    }

    @Test
    @DisplayName("~/.pgpass supplies the password; one that group or others can read is ignored with a warning")
    void pgpass() throws Exception {
        write(".pgpass", "127.0.0.1:" + DB.port() + ":*:" + ROLE + ":" + SECRET + "\n", "rw-------");
        Result used = run(pg(ROLE), "status");
        assertThat(used.exit()).as(used.all()).isZero();

        write(".pgpass", "*:*:*:" + ROLE + ":" + SECRET + "\n", "rw-r--r--");
        Result ignored = run(pg(ROLE), "status");
        assertThat(ignored.exit()).isEqualTo(6);
        assertThat(ignored.err()).contains("WARNING: password file \"" + home.resolve(".pgpass") + "\" has group or world access")
                .contains("the server asks for a password and none was given");
        assertThat(ignored.all()).doesNotContain(SECRET);
    }

    @Test
    @DisplayName("PGSERVICE names a service of ~/.pg_service.conf (libpq's keys)")
    void service_file() throws Exception {
        write(".pg_service.conf", "[alphapulse]\nhost=127.0.0.1\nport=" + DB.port() + "\ndbname=" + DB.name() + "\nuser=" + ROLE
                + "\npassword=" + SECRET + "\nsslmode=disable\n", "rw-------");
        Result r = run(Map.of("PGSERVICE", "alphapulse"), "status");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.all()).doesNotContain(SECRET).doesNotContain("embedded");
    }

    @Test
    @DisplayName("a postgres:// URI with a password works, and the password appears in no output, also on failure")
    void uri_with_password() throws Exception {
        Result ok = run(Map.of(), "status", "--url", uri(SECRET, DB.name()) + "?sslmode=disable&application_name=dba");
        assertThat(ok.exit()).as(ok.all()).isZero();
        assertThat(ok.all()).doesNotContain(SECRET);
        Result json = run(Map.of(), "status", "-o", "json", "--url", "postgresql://" + ROLE + ":" + SECRET + "@127.0.0.1:"
                + DB.port() + "/missing_db_x");
        assertThat(json.exit()).isEqualTo(6);
        assertThat(json.out()).contains("\"code\" : \"DATABASE_DOES_NOT_EXIST\"");
        assertThat(json.all()).doesNotContain(SECRET);
    }

    @Test
    @DisplayName("unknown host, refused port, missing database and unavailable TLS each say so in one line, exit 6")
    void connection_errors() throws Exception {
        Map<String, String> pw = Map.of("PGPASSWORD", SECRET);
        Result unknown = run(pw, "status", "--url", "postgres://u@no-such-host.invalid:5432/db");
        assertThat(unknown.exit()).isEqualTo(6);
        assertThat(unknown.err().strip()).isEqualTo("error: unknown host \"no-such-host.invalid\": the name does not resolve");

        Result refused = run(pw, "status", "--url", "postgres://u@127.0.0.1:1/db");
        assertThat(refused.exit()).isEqualTo(6);
        assertThat(refused.err().strip()).startsWith("error: connection refused by 127.0.0.1:1: ");

        Result missing = run(pw, "status", "--url", uri(null, "no_such_db"));
        assertThat(missing.exit()).isEqualTo(6);
        assertThat(missing.err().strip()).isEqualTo("error: database \"no_such_db\" does not exist on 127.0.0.1:" + DB.port());

        Result tls = run(pw, "status", "--url", uri(null, DB.name()) + "?sslmode=require");
        assertThat(tls.exit()).isEqualTo(6);
        assertThat(tls.err().strip()).isEqualTo("error: TLS required (sslmode=require) but the server at 127.0.0.1:" + DB.port()
                + " does not offer it");
        for (Result r : List.of(unknown, refused, missing, tls)) {
            assertThat(r.err().strip().lines()).hasSize(1);
            assertThat(r.all()).doesNotContain(SECRET);
        }
    }

    @Test
    @DisplayName("config file: flags beat environment, which beats the file; a password needs mode 0600 (exit 9 otherwise)")
    void config_file() throws Exception {
        // which source won is told by the database each one names, none of which exists
        write("alphapulse.conf", "url = postgres://" + ROLE + "@127.0.0.1:" + DB.port() + "/db_from_file\n", "rw-r--r--");
        Map<String, String> env = new HashMap<>(Map.of("PGPASSWORD", SECRET));
        assertThat(run(env, "status").err()).contains("database \"db_from_file\" does not exist");
        env.put("PGDATABASE", "db_from_env");
        assertThat(run(env, "status").err()).contains("database \"db_from_env\" does not exist");
        assertThat(run(env, "status", "--url", uri(null, "db_from_flag")).err()).contains("database \"db_from_flag\" does not exist");

        Path conf = write("ops.conf", "host = 127.0.0.1\nport = " + DB.port() + "\ndatabase = " + DB.name() + "\nuser = " + ROLE
                + "\npassword = " + SECRET + "\noutput = json\nlock-retries = 0\n", "rw-r--r--");
        // a refused file's own settings (its output = json) are not used: -o json is given here
        Result open = run(Map.of(), "upgrade", "--config", conf.toString(), "-o", "json");
        assertThat(open.exit()).isEqualTo(9);
        assertThat(open.err().strip()).isEqualTo("error: config file " + conf + " holds a password but its group or others have "
                + "access (mode 0644 rw-r--r--): chmod 600 " + conf + ", or keep the password in ~/.pgpass or PGPASSWORD");
        assertThat(open.out()).contains("\"exitCode\" : 9").doesNotContain(SECRET);
        try (Connection c = DB.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("nothing changed").isZero();
        }
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-------"));
        Result ok = run(Map.of("ALPHAPULSE_CONFIG", conf.toString()), "status");
        assertThat(ok.exit()).as(ok.all()).isZero();
        assertThat(ok.out()).as("output = json from the file").startsWith("{");

        Result missingFile = run(Map.of(), "status", "--config", "nope.conf");
        assertThat(missingFile.exit()).isEqualTo(9);
        assertThat(missingFile.err()).contains("nope.conf (--config) does not exist");
    }

    @Test
    @DisplayName("with nothing that names a server the embedded one is used, and stderr says why in one line")
    void embedded_default_says_so() throws Exception {
        Result r = run(Map.of("PGUSER", "someone"), "history");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.err().lines().filter(l -> l.contains("embedded")).toList()).singleElement().asString()
                .startsWith("no server named (--url, PG* variables, config file): using an embedded PostgreSQL");
    }
}
