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
        assertThat(t.describe()).isEqualTo("flaguser@flaghost:6000/flagdb");
        assertThat(t.sslmode()).isEqualTo("disable");
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
