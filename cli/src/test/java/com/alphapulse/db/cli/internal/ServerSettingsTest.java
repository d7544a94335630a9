package com.alphapulse.db.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which server and user the settings name, without connecting: precedence, libpq's files, URIs. */
class ServerSettingsTest {

    @TempDir
    Path dir;

    final Map<String, String> vars = new HashMap<>();
    final List<String> warnings = new ArrayList<>();

    Environment env() {
        return new Environment(vars, dir, dir, "osuser");
    }

    Target resolve(ConnectionOptions flags) {
        return ServerSettings.resolve(flags, ConfigFile.find(flags.config, env()), env(), warnings::add);
    }

    static ConnectionOptions flags(String url, String user) {
        ConnectionOptions o = new ConnectionOptions();
        o.url = url;
        o.user = user;
        return o;
    }

    @Test
    @DisplayName("nothing that names a server (a user or password alone does not) means the embedded default")
    void embedded_only_when_nothing_names_a_server() {
        vars.put("PGUSER", "ops");
        vars.put("PGPASSWORD", "pw");
        assertThat(resolve(flags(null, null)).embedded()).isTrue();
        vars.put("PGDATABASE", "app");
        assertThat(resolve(flags(null, null)).embedded()).isFalse();
    }

    @Test
    @DisplayName("PG* variables name the server as for psql, with libpq's defaults for what they leave out")
    void pg_variables_and_defaults() {
        vars.put("PGHOST", "db1");
        vars.put("PGSSLMODE", "require");
        Target t = resolve(flags(null, null));
        assertThat(t.describe()).isEqualTo("osuser@db1:5432/osuser");
        assertThat(t.jdbcUrl()).startsWith("jdbc:postgresql://db1:5432/osuser?").contains("sslmode=require");
        assertThat(t.password()).isNull();
    }

    @Test
    @DisplayName("a postgres:// URI: user, percent-decoded password, host list, database and converted parameters")
    void uri_is_converted() {
        Target t = resolve(flags("postgresql://ops:p%40ss%3Aw@h1:5433,h2:5434/my%20db?sslmode=verify-full"
                + "&application_name=dba&connect_timeout=3&target_session_attrs=read-write", null));
        assertThat(t.user()).isEqualTo("ops");
        assertThat(t.password()).isEqualTo("p@ss:w");
        assertThat(t.hosts()).containsExactly("h1", "h2");
        assertThat(t.ports()).containsExactly("5433", "5434");
        assertThat(t.database()).isEqualTo("my db");
        assertThat(t.jdbcUrl()).startsWith("jdbc:postgresql://h1:5433,h2:5434/my%20db?")
                .contains("sslmode=verify-full", "ApplicationName=dba", "connectTimeout=3", "targetServerType=primary")
                .doesNotContain("p@ss", "p%40ss");
        assertThat(Redacting.redact("failed: p@ss:w")).doesNotContain("p@ss:w");
        assertThatThrownBy(() -> resolve(flags("postgres://h/db?bogus=1", null))).isInstanceOf(UsageException.class)
                .hasMessageContaining("unsupported connection parameter 'bogus'");
        assertThatThrownBy(() -> resolve(flags("mysql://h/db", null))).isInstanceOf(UsageException.class)
                .hasMessageContaining("not a PostgreSQL URL");
    }

    @Test
    @DisplayName("per setting, flags beat ALPHAPULSE_* and PG* variables, which beat the config file")
    void precedence_flag_env_file() throws Exception {
        Files.writeString(dir.resolve("alphapulse.conf"), "# comment\nurl = postgres://fileuser@filehost:6000/filedb\nsslmode = disable\n");
        assertThat(resolve(flags(null, null)).describe()).isEqualTo("fileuser@filehost:6000/filedb");
        vars.put("PGDATABASE", "envdb");
        vars.put("PGUSER", "envuser");
        assertThat(resolve(flags(null, null)).describe()).isEqualTo("envuser@filehost:6000/envdb");
        vars.put("ALPHAPULSE_DB_USER", "apuser");
        assertThat(resolve(flags(null, null)).user()).isEqualTo("apuser");
        Target t = resolve(flags("postgres://flaghost/flagdb", "flaguser"));
        assertThat(t.describe()).isEqualTo("flaguser@flaghost:5432/flagdb");
        assertThat(t.sslmode()).isEqualTo("prefer");
    }

    @Test
    @DisplayName("a URL hides the lower levels' url, host, port, database, sslmode and service: no silent TLS downgrade")
    void a_url_hides_lower_levels_server_settings() throws Exception {
        Files.writeString(dir.resolve("alphapulse.conf"), "host = filehost\nport = 6000\nsslmode = disable\nuser = fileuser\n");
        vars.put("ALPHAPULSE_DB_URL", "postgres://envhost:7000/envdb?sslmode=allow");
        Target t = resolve(flags("postgres://prod/db", null));
        assertThat(t.describe()).isEqualTo("fileuser@prod:5432/db");
        assertThat(t.sslmode()).isEqualTo("prefer");
        assertThat(t.jdbcUrl()).doesNotContain("sslmode=disable", "sslmode=allow");
        Target fromEnv = resolve(flags(null, null));
        assertThat(fromEnv.describe()).isEqualTo("fileuser@envhost:7000/envdb");
        assertThat(fromEnv.sslmode()).isEqualTo("allow");
        // PG* variables sit below ALPHAPULSE_DB_URL: its URL hides their server settings too, as --url hides all three
        vars.put("PGSSLMODE", "disable");
        vars.put("PGPORT", "6543");
        assertThat(resolve(flags(null, null)).sslmode()).isEqualTo("allow");
        assertThat(resolve(flags("postgres://prod/db", null)).sslmode()).isEqualTo("prefer");
        assertThat(resolve(flags("postgres://prod/db", null)).ports()).containsExactly("5432");
    }

    @Test
    @DisplayName("a URI's user-info is found before its query, so no error quotes its password; a bad scheme is not echoed")
    void url_errors_never_quote_the_password() {
        Target t = resolve(flags("postgres://u:ab?cd@h/db", null));
        assertThat(t.password()).isEqualTo("ab?cd");
        assertThat(t.hosts()).containsExactly("h");
        assertThat(t.database()).isEqualTo("db");
        assertThatThrownBy(() -> resolve(flags("postgres://u:Qx7?w@h:abc/db", null))).isInstanceOf(UsageException.class)
                .hasMessageContaining("port 'abc' is not a number").hasMessageNotContaining("Qx7")
                .satisfies(e -> assertThat(Redacting.redact("x Qx7?w y")).isEqualTo("x **** y"));
        assertThatThrownBy(() -> resolve(flags("postgres:/u:Zp4wq@h/db", null))).isInstanceOf(UsageException.class)
                .hasMessageContaining("not a PostgreSQL URL").hasMessageNotContaining("Zp4wq");
        assertThatThrownBy(() -> resolve(flags("postgres://u:Vb8@[::1/db", null))).isInstanceOf(UsageException.class)
                .hasMessageNotContaining("Vb8");
    }

    @Test
    @DisplayName("a jdbc: URL's password is its password= only: pgjdbc's own ~/.pgpass and service look-ups are not used")
    void jdbc_url_takes_no_password_from_pgjdbc_lookups() throws Exception {
        Path foreign = dir.resolve("foreign-pgpass");
        Files.writeString(foreign, "*:*:*:*:leaked\n");
        Files.setPosixFilePermissions(foreign, PosixFilePermissions.fromString("rw-------"));
        String before = System.getProperty(PgPass.PROPERTY);
        System.setProperty(PgPass.PROPERTY, foreign.toString());
        try {
            assertThat(PgUri.parse("jdbc:postgresql://h/db?user=ops", "--url")).doesNotContainKey("password");
            assertThat(PgUri.parse("jdbc:postgresql://h/db?user=ops&password=p%40ss", "--url")).containsEntry("password", "p@ss");
            // a group-readable config file whose URL has no password is not refused for one pgjdbc found elsewhere
            Path conf = dir.resolve("alphapulse.conf");
            Files.writeString(conf, "url = jdbc:postgresql://h/db?user=ops\n");
            Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
            System.setProperty(PgPass.PROPERTY, foreign.toString());
            assertThat(resolve(flags(null, null)).password()).isNull();
            Files.delete(conf);
            // service= is looked up in this environment's pg_service.conf, like a URI's
            Files.writeString(dir.resolve(".pg_service.conf"), "[ap]\nuser=svc\nsslmode=require\n");
            Target t = resolve(flags("jdbc:postgresql://h/db?service=ap", null));
            assertThat(t.user()).isEqualTo("svc");
            assertThat(t.sslmode()).isEqualTo("require");
            assertThat(t.jdbcUrl()).doesNotContain("service=");
        } finally {
            if (before == null) {
                System.clearProperty(PgPass.PROPERTY);
            } else {
                System.setProperty(PgPass.PROPERTY, before);
            }
        }
    }

    @Test
    @DisplayName("a bad value from ALPHAPULSE_* or the config file is a configuration error (exit 9) naming its source")
    void bad_values_from_env_or_file_are_config_errors() throws Exception {
        Path conf = dir.resolve("alphapulse.conf");
        for (String line : List.of("port = abc", "sslmode = x", "url = mysql://h/db", "url = postgres://h:xy/db")) {
            Files.writeString(conf, "host = h\n" + line + "\n");
            assertThatThrownBy(() -> resolve(flags(null, null))).as(line).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("alphapulse.conf:2");
        }
        Files.delete(conf);
        vars.put("ALPHAPULSE_DB_URL", "postgres:/h/db");
        assertThatThrownBy(() -> resolve(flags(null, null))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("ALPHAPULSE_DB_URL");
        assertThatThrownBy(() -> resolve(flags("postgres://h:xy/db", null))).isInstanceOf(UsageException.class)
                .hasMessageContaining("--url");
    }

    @Test
    @DisplayName("hostaddr is the address only when no host is given; both together are refused (pgjdbc has no hostaddr)")
    void hostaddr_never_overwrites_host() {
        assertThat(resolve(flags("postgres:///db?hostaddr=10.0.0.7", "u")).hosts()).containsExactly("10.0.0.7");
        assertThatThrownBy(() -> resolve(flags("postgres://db.internal/db?hostaddr=10.0.0.7", "u")))
                .isInstanceOf(UsageException.class).hasMessageContaining("hostaddr").hasMessageContaining("host");
        vars.put("PGHOSTADDR", "10.0.0.8");
        assertThat(resolve(flags(null, null)).hosts()).containsExactly("10.0.0.8");
        vars.put("PGHOST", "db.internal");
        assertThatThrownBy(() -> resolve(flags(null, null))).hasMessageContaining("hostaddr");
    }

    @Test
    @DisplayName("a service from ~/.pg_service.conf, else PGSYSCONFDIR; it beats the PG* variables, as in libpq")
    void service_file() throws Exception {
        Files.writeString(dir.resolve(".pg_service.conf"), "[other]\nhost=x\n[ap]\nhost=svchost\nport=6543\ndbname=svcdb\nuser=svc\n");
        Path sys = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(sys.resolve("pg_service.conf"), "[sysap]\nhost=syshost\n");
        vars.put("PGSERVICE", "ap");
        vars.put("PGHOST", "envhost");
        assertThat(resolve(flags(null, null)).describe()).isEqualTo("svc@svchost:6543/svcdb");
        vars.put("PGSERVICE", "sysap");
        vars.put("PGSYSCONFDIR", sys.toString());
        assertThat(resolve(flags(null, null)).hosts()).containsExactly("syshost");
        vars.put("PGSERVICE", "nope");
        assertThatThrownBy(() -> resolve(flags(null, null))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("definition of service \"nope\" not found");
    }

    @Test
    @DisplayName("~/.pgpass: wildcards and escapes; ignored with libpq's warning when group or others can read it")
    void pgpass() throws Exception {
        Path pgpass = dir.resolve(".pgpass");
        Files.writeString(pgpass, "# c\nother:*:*:*:nope\ndb1:5432:*:ops:se\\:cret\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
        assertThat(resolve(flags("postgres://ops@db1/app", null)).password()).isEqualTo("se:cret");
        assertThat(warnings).isEmpty();
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(resolve(flags("postgres://ops@db1/app", null)).password()).isNull();
        assertThat(warnings).singleElement().asString().contains("has group or world access");
        vars.put("PGPASSWORD", "fromenv");
        assertThat(resolve(flags("postgres://ops@db1/app", null)).password()).isEqualTo("fromenv");
    }

    @Test
    @DisplayName("a password file that is not a regular file (a directory) is skipped with libpq's warning")
    void pgpass_that_is_not_a_plain_file_is_skipped_with_a_warning() throws Exception {
        Files.createDirectory(dir.resolve(".pgpass"));
        assertThat(resolve(flags("postgres://ops@db1/app", null)).password()).isNull();
        assertThat(warnings).singleElement().asString().contains("is not a plain file");
    }

    @Test
    @DisplayName("a config file holding a password must be private to its owner; an explicit missing one is an error")
    void config_file_rules() throws Exception {
        Path conf = dir.resolve("ap.conf");
        Files.writeString(conf, "host = h\npassword = s3\n");
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
        ConnectionOptions o = flags(null, null);
        o.config = conf;
        assertThatThrownBy(() -> resolve(o)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("holds a password but its group or others have access (mode 0644");
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-------"));
        assertThat(resolve(o).password()).isEqualTo("s3");
        o.config = dir.resolve("missing.conf");
        assertThatThrownBy(() -> resolve(o)).isInstanceOf(ConfigException.class).hasMessageContaining("does not exist");
        Files.writeString(conf, "colour = blue\n");
        o.config = conf;
        assertThatThrownBy(() -> resolve(o)).isInstanceOf(ConfigException.class).hasMessageContaining(":1: unknown key 'colour'");
    }
}
