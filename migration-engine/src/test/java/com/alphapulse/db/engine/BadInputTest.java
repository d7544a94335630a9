package com.alphapulse.db.engine;

import static com.alphapulse.db.engine.Fixtures.exec;
import static com.alphapulse.db.engine.Fixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.engine.MigrationException.Code;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.testing.AlphaPulseRows;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input: each gives one clear one-line error with its own code, and changes nothing. */
class BadInputTest {

    static final Database DB = Fixtures.database("bad_input");
    static MigrationEngine engine;

    @BeforeAll
    static void at007WithData() {
        engine = Fixtures.engine(DB);
        engine.upgrade("007");
        AlphaPulseRows.load(DB, 2, 250);
    }

    @AfterAll
    static void dropDatabase() {
        Fixtures.drop(DB);
    }

    @Test
    @DisplayName("unknown versions are refused with UNKNOWN_VERSION by every verb")
    void unknown_version() {
        Fixtures.State before = Fixtures.state(DB);
        assertThat(failure(() -> engine.downgrade("003", DowngradeOptions.defaults())).code()).isEqualTo(Code.UNKNOWN_VERSION);
        assertThat(failure(() -> engine.upgrade("4")).code()).isEqualTo(Code.UNKNOWN_VERSION);
        assertThat(failure(() -> engine.plan("v12")).code()).isEqualTo(Code.UNKNOWN_VERSION);
        MigrationException stamp = failure(() -> engine.stamp("banana", true));
        assertThat(stamp.code()).isEqualTo(Code.UNKNOWN_VERSION);
        assertThat(stamp.getMessage()).contains("known versions: 001, 002, 005, 006, 007, 008, 009, 010, 011");
        Fixtures.assertUnchanged(DB, before);
    }

    @Test
    @DisplayName("configuration values the engine cannot use are INVALID_CONFIGURATION at once, one line each")
    void invalid_configuration() {
        EngineConfig c = MigrationEngine.configure();
        for (MigrationException e : new MigrationException[] {
            failure(() -> c.lockTimeout(Duration.ZERO)),
            failure(() -> c.lockTimeout(Duration.ofSeconds(-1))),
            failure(() -> c.lockTimeout(Duration.ofDays(30))),
            failure(() -> c.statementTimeout(null)),
            failure(() -> c.lockRetries(-1)),
            failure(() -> c.retryBackoff(Duration.ofMillis(-500))),
            failure(() -> c.retryBackoff(null)),
            failure(() -> c.migrationLocations(new String[0])),
            failure(() -> c.migrationLocations("classpath:db/alphapulse/migration", " ")),
            failure(() -> c.dataSource(null)),
            failure(() -> c.undoScriptSource(null)),
            failure(c::load)}) {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(Code.INVALID_CONFIGURATION);
        }
        assertThat(failure(() -> c.retryBackoff(Duration.ofMillis(-500))).getMessage()).contains("retryBackoff").contains("negative");
        assertThat(c.retryBackoff(Duration.ZERO).retryBackoff()).isZero();
        assertThat(c.lockRetries(0).lockRetries()).isZero();
    }

    @Test
    @DisplayName("a downgrade target above the current version, or an upgrade target below it, is INVALID_TARGET")
    void wrong_direction() {
        Fixtures.State before = Fixtures.state(DB);
        MigrationException down = failure(() -> engine.downgrade("008", DowngradeOptions.defaults()));
        assertThat(down.code()).isEqualTo(Code.INVALID_TARGET);
        assertThat(down.getMessage()).contains("above the current version 007");
        assertThat(failure(() -> engine.upgrade("005")).code()).isEqualTo(Code.INVALID_TARGET);
        assertThat(failure(() -> engine.upgrade("+5")).code()).isEqualTo(Code.INVALID_TARGET);
        assertThat(failure(() -> engine.downgrade("-6", DowngradeOptions.defaults())).code()).isEqualTo(Code.INVALID_TARGET);
        Fixtures.assertUnchanged(DB, before);
    }

    @Test
    @DisplayName("a missing undo script is MISSING_UNDO_SCRIPT, found before anything runs")
    void missing_undo_script(@TempDir Path dir) throws IOException {
        for (SchemaVersion v : AlphaPulseSchema.migrations().versions()) {
            if (v.number() != 6) {
                Files.writeString(dir.resolve(fileName(v.undoResource())), v.undoSql());
            }
        }
        MigrationEngine e = Fixtures.config(DB).undoScriptSource(UndoScriptSource.directory(dir)).load();
        Fixtures.State before = Fixtures.state(DB);
        MigrationException ex = failure(() -> e.downgrade("005", DowngradeOptions.defaults()));
        assertThat(ex.code()).isEqualTo(Code.MISSING_UNDO_SCRIPT);
        assertThat(ex.getMessage()).contains("006").contains("U006__users_tenant_id.sql");
        assertThat(failure(() -> e.plan("002")).code()).isEqualTo(Code.MISSING_UNDO_SCRIPT);
        Fixtures.assertUnchanged(DB, before);
        // The undo of 007 is there, so a downgrade that does not need 006 still works from the same source.
        assertThat(e.plan("006").steps()).hasSize(1);
    }

    @Test
    @DisplayName("an applied script edited afterwards is CHECKSUM_MISMATCH for upgrade and downgrade")
    void edited_script(@TempDir Path dir) throws IOException {
        for (SchemaVersion v : AlphaPulseSchema.migrations().versions()) {
            String sql = v.migrationSql() + (v.number() == 5 ? "\n-- edited after it was applied\n" : "");
            Files.writeString(dir.resolve(v.migrationScript()), sql);
        }
        try (InputStream conf = getClass().getClassLoader().getResourceAsStream("db/alphapulse/migration/V009__composite_indexes.sql.conf")) {
            Files.write(dir.resolve("V009__composite_indexes.sql.conf"), conf.readAllBytes());
        }
        MigrationEngine e = Fixtures.config(DB).migrationLocations("filesystem:" + dir).load();
        Fixtures.State before = Fixtures.state(DB);
        MigrationException down = failure(() -> e.downgrade("006", DowngradeOptions.defaults()));
        assertThat(down.code()).isEqualTo(Code.CHECKSUM_MISMATCH);
        assertThat(down.getMessage()).contains("005").contains("V005__tenants.sql");
        assertThat(failure(() -> e.upgrade("head")).code()).isEqualTo(Code.CHECKSUM_MISMATCH);
        Fixtures.assertUnchanged(DB, before);
    }

    @Test
    @DisplayName("a script in the location that the set does not list (a stray V, an R__) is refused before Flyway could apply it")
    void scripts_the_set_does_not_list(@TempDir Path dir) throws IOException {
        for (SchemaVersion v : AlphaPulseSchema.migrations().versions()) {
            Files.writeString(dir.resolve(v.migrationScript()), v.migrationSql());
        }
        try (InputStream conf = getClass().getClassLoader().getResourceAsStream("db/alphapulse/migration/V009__composite_indexes.sql.conf")) {
            Files.write(dir.resolve("V009__composite_indexes.sql.conf"), conf.readAllBytes());
        }
        Files.writeString(dir.resolve("V950__stray.sql"), "CREATE TABLE public.stray (id int);\n");
        Files.writeString(dir.resolve("R__report_view.sql"), "CREATE OR REPLACE VIEW public.stray_view AS SELECT 1 AS one;\n");
        MigrationEngine e = Fixtures.config(DB).migrationLocations("filesystem:" + dir).load();
        Fixtures.State before = Fixtures.state(DB);
        for (MigrationException m : List.of(failure(() -> e.upgrade("head")), failure(() -> e.downgrade("-1", DowngradeOptions.defaults())))) {
            assertThat(m.code()).isEqualTo(Code.PRECONDITION_FAILED);
            assertThat(m.getMessage()).contains("V950__stray.sql").contains("R__report_view.sql").contains("nothing was changed");
        }
        Fixtures.assertUnchanged(DB, before);
    }

    @Test
    @DisplayName("no history table: NO_HISTORY for downgrade, plan and an upgrade of a non-empty schema")
    void no_history() {
        Database db = Fixtures.database("bad_input_no_history");
        try {
            MigrationEngine e = Fixtures.engine(db);
            assertThat(failure(() -> e.downgrade("-1", DowngradeOptions.defaults())).code()).isEqualTo(Code.NO_HISTORY);
            exec(db, "CREATE TABLE public.users (id int PRIMARY KEY, email text)");
            Fixtures.State before = Fixtures.state(db);
            assertThat(failure(() -> e.plan("002")).code()).isEqualTo(Code.NO_HISTORY);
            MigrationException up = failure(() -> e.upgrade("head"));
            assertThat(up.code()).isEqualTo(Code.NO_HISTORY);
            assertThat(up.getMessage()).contains("stamp");
            Fixtures.assertUnchanged(db, before);
            assertThat(e.status().historyTable()).isFalse();
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("a login role that does not own the tables cannot apply 008: INSUFFICIENT_PRIVILEGE, nothing changed")
    void insufficient_privilege() {
        String role = "ap_engine_noowner_" + UUID.randomUUID().toString().substring(0, 8);
        exec(DB, "CREATE ROLE " + role + " LOGIN PASSWORD 'pw-" + role + "'",
                "GRANT USAGE ON SCHEMA public, alphapulse_migration TO " + role,
                "GRANT SELECT, INSERT, UPDATE, DELETE ON public.flyway_schema_history TO " + role,
                "GRANT SELECT, INSERT, DELETE ON ALL TABLES IN SCHEMA alphapulse_migration TO " + role);
        try {
            MigrationEngine asRole = MigrationEngine.configure().dataSource(DB.dataSource(role, "pw-" + role))
                    .reason(Fixtures.REASON).load();
            Fixtures.State before = Fixtures.state(DB);
            MigrationException e = failure(() -> asRole.upgrade("008"));
            assertThat(e.code()).isEqualTo(Code.INSUFFICIENT_PRIVILEGE);
            // refused before the first statement, naming what is missing and how to grant it
            assertThat(e.getMessage()).contains("upgrade refused before it started").contains("ownership of users (owned by")
                    .contains("provision").contains("nothing was changed");
            Fixtures.assertUnchanged(DB, before);
            assertThat(engine.status().currentVersion().label()).isEqualTo("007");
        } finally {
            exec(DB, "DROP OWNED BY " + role, "DROP ROLE " + role);
        }
    }

    @Test
    @DisplayName("an unreachable server is CONNECTION_FAILED: one line, no stack trace, no password")
    void unreachable_server() {
        String password = "Unr3achable-Secret-" + UUID.randomUUID();
        MigrationEngine e = MigrationEngine.configure().url("jdbc:postgresql://127.0.0.1:1/nowhere", "someone", password).load();
        for (MigrationException ex : new MigrationException[] {failure(e::status),
            failure(() -> e.downgrade("002", DowngradeOptions.defaults())), failure(() -> e.upgrade("head"))}) {
            assertThat(ex.code()).isEqualTo(Code.CONNECTION_FAILED);
            assertThat(ex.getMessage()).contains("127.0.0.1:1/nowhere").doesNotContain(password)
                    .doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(ex.getCause()).isNull();
        }
    }

    @Test
    @DisplayName("a wrong password is CONNECTION_FAILED naming the failed authentication, never the password")
    void bad_password() throws Exception {
        String role = "ap_engine_pw_" + UUID.randomUUID().toString().substring(0, 8);
        exec(DB, "CREATE ROLE " + role + " LOGIN PASSWORD 'the-Right-pw'");
        String hba = requirePassword(role);
        try {
            String wrong = "Wr0ng-Pa55word-" + UUID.randomUUID();
            MigrationEngine e = MigrationEngine.configure().url(DB.jdbcUrl(), role, wrong).load();
            MigrationException ex = failure(e::status);
            assertThat(ex.code()).isEqualTo(Code.CONNECTION_FAILED);
            assertThat(ex.getMessage()).contains("password authentication failed").contains(role).doesNotContain(wrong);
            assertThat(ex.getCause()).isNull();
            // With the right password the same role gets in, and only then meets the next problem: it may not
            // read the engine's schema. So it was the password, not the role, and the codes tell them apart.
            MigrationEngine right = MigrationEngine.configure().url(DB.jdbcUrl(), role, "the-Right-pw").load();
            assertThat(failure(right::history).code()).isEqualTo(Code.INSUFFICIENT_PRIVILEGE);
        } finally {
            restoreHba(hba);
            exec(DB, "DROP ROLE " + role);
        }
    }

    /**
     * Makes the server check {@code role}'s password even when it trusts local connections (the embedded
     * server does): rules for that role only are put in front of pg_hba.conf, and the server reloads it.
     * Returns the original file's text.
     */
    private static String requirePassword(String role) throws Exception {
        try (Connection c = PostgresProvider.shared().adminDatabase().connect(); Statement s = c.createStatement()) {
            String file = scalar(s, "SELECT setting FROM pg_settings WHERE name = 'hba_file'");
            String original = scalar(s, "SELECT pg_read_file('" + file.replace("'", "''") + "')");
            String rules = "host all " + role + " 0.0.0.0/0 scram-sha-256\nhost all " + role + " ::/0 scram-sha-256\n"
                    + "local all " + role + " scram-sha-256\n";
            writeHba(c, file, rules + original);
            return original;
        }
    }

    private static void restoreHba(String original) throws Exception {
        try (Connection c = PostgresProvider.shared().adminDatabase().connect(); Statement s = c.createStatement()) {
            writeHba(c, scalar(s, "SELECT setting FROM pg_settings WHERE name = 'hba_file'"), original);
        }
    }

    private static void writeHba(Connection c, String file, String text) throws SQLException, InterruptedException {
        c.setAutoCommit(false);
        long oid;
        try (PreparedStatement p = c.prepareStatement("SELECT lo_from_bytea(0, ?)")) {
            p.setBytes(1, text.getBytes(StandardCharsets.UTF_8));
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                oid = rs.getLong(1);
            }
        }
        try (PreparedStatement p = c.prepareStatement("SELECT lo_export(?::oid, ?), lo_unlink(?::oid)")) {
            p.setLong(1, oid);
            p.setString(2, file);
            p.setLong(3, oid);
            p.executeQuery().close();
        }
        c.commit();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_reload_conf()");
        }
        // The postmaster applies the reload asynchronously; new sessions see it a moment later.
        Thread.sleep(Duration.ofMillis(500).toMillis());
    }

    private static String scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String fileName(String resource) {
        return resource.substring(resource.lastIndexOf('/') + 1);
    }

    static {
        // pgjdbc registers itself; referenced so the driver is loaded before the URL-based engines connect.
        DriverManager.getDrivers();
    }
}
