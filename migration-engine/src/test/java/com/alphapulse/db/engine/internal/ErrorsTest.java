package com.alphapulse.db.engine.internal;

import com.alphapulse.db.schema.AlphaPulseSchema;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.UndoScriptSource;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ErrorsTest {

    static final Database DB = PostgresProvider.shared().createDatabase("errors");

    @AfterAll
    static void dropDatabase() {
        PostgresProvider.shared().dropDatabase(DB);
    }

    /** What PostgreSQL threw for the last statement of {@code sql}. */
    private static SQLException failureOf(String... sql) throws SQLException {
        try (Connection c = DB.connect(); Statement s = c.createStatement()) {
            for (int i = 0; i < sql.length - 1; i++) {
                s.execute(sql[i]);
            }
            s.execute(sql[sql.length - 1]);
        } catch (SQLException e) {
            return e;
        }
        throw new AssertionError("no failure: " + sql[sql.length - 1]);
    }

    @Test
    @DisplayName("a unique violation keeps its DETAIL on one line, the key's value withheld and the password scrubbed")
    void detail_is_kept_and_scrubbed() throws SQLException {
        SQLException e = failureOf("CREATE TABLE codes (code text PRIMARY KEY)", "INSERT INTO codes VALUES ('Pw-9x-secret')",
                "INSERT INTO codes VALUES ('Pw-9x-secret')");
        assertThat(Errors.describe(e)).isEqualTo("duplicate key value violates unique constraint \"codes_pkey\" "
                + "(detail: Key (code)=(value withheld) already exists.) [SQLSTATE 23505]");
        MigrationException m = Errors.translate(withSecret("Pw-9x-secret"), "undo of 009 rolled back", e);
        assertThat(m.getMessage()).isEqualTo("undo of 009 rolled back: duplicate key value violates unique constraint "
                + "\"codes_pkey\" (detail: Key (code)=(value withheld) already exists.) [SQLSTATE 23505]");
        assertThat(Errors.translate(withSecret("Pw-9x-secret"), "x", new SQLException("login as Pw-9x-secret failed"))
                .getMessage()).doesNotContain("Pw-9x-secret");
        assertThat(m.code()).isEqualTo(MigrationException.Code.FAILED);
    }

    @Test
    @DisplayName("a DETAIL of several lines (one per dependent view) and the HINT are joined into the one line")
    void multi_line_detail_and_hint() throws SQLException {
        SQLException e = failureOf("CREATE TABLE t (a int, b int)", "CREATE VIEW v1 AS SELECT b FROM t",
                "CREATE VIEW v2 AS SELECT b FROM t", "ALTER TABLE t DROP COLUMN b");
        assertThat(Errors.describe(e)).isEqualTo("cannot drop column b of table t because other objects depend on it "
                + "(detail: view v1 depends on column b of table t; view v2 depends on column b of table t) "
                + "(hint: Use DROP ... CASCADE to drop the dependent objects too.) [SQLSTATE 2BP01]");
    }

    @Test
    @DisplayName("a DETAIL keeps the names but not the row values it quotes: they are tenant data")
    void detail_values_are_withheld() throws Exception {
        try (java.sql.Connection c = DB.connect(); java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TABLE secrets (id int PRIMARY KEY, email text UNIQUE, api_key text NOT NULL)");
            st.execute("INSERT INTO secrets VALUES (1, 'alice@tenant-a.example', 'sk-live-123')");
            java.sql.SQLException dup = org.assertj.core.api.Assertions.catchThrowableOfType(
                    () -> st.execute("INSERT INTO secrets VALUES (2, 'alice@tenant-a.example', 'sk-live-456')"), java.sql.SQLException.class);
            java.sql.SQLException nul = org.assertj.core.api.Assertions.catchThrowableOfType(
                    () -> st.execute("INSERT INTO secrets VALUES (3, 'bob@tenant-b.example', NULL)"), java.sql.SQLException.class);
            assertThat(Errors.describe(dup)).contains("Key (email)=(value withheld) already exists", "[SQLSTATE 23505]")
                    .doesNotContain("alice");
            assertThat(Errors.describe(nul)).contains("api_key", "Failing row contains (values withheld)").doesNotContain("bob");
            st.execute("CREATE UNIQUE INDEX secrets_email_lower ON secrets (lower(email))");
            java.sql.SQLException expr = org.assertj.core.api.Assertions.catchThrowableOfType(
                    () -> st.execute("INSERT INTO secrets VALUES (4, 'ALICE@tenant-a.example', 'k')"), java.sql.SQLException.class);
            assertThat(Errors.describe(expr)).contains("Key (lower(email))=(value withheld) already exists").doesNotContain("alice");
            st.execute("CREATE TABLE slots (during tstzrange, EXCLUDE USING gist (during WITH &&))");
            st.execute("INSERT INTO slots VALUES ('[2024-01-01, 2024-01-02)')");
            java.sql.SQLException excl = org.assertj.core.api.Assertions.catchThrowableOfType(
                    () -> st.execute("INSERT INTO slots VALUES ('[2024-01-01 12:00, 2024-01-03)')"), java.sql.SQLException.class);
            assertThat(Errors.describe(excl)).contains("conflicts with existing key (during)=(value withheld)")
                    .doesNotContain("2024");
        }
    }

    private static EngineSettings withSecret(String secret) {
        return new EngineSettings(null, "db:5432/x as u", secret, Duration.ofSeconds(1), Duration.ofSeconds(1), 0,
                Duration.ZERO, AlphaPulseSchema.migrations(), List.of("classpath:db/alphapulse/migration"), UndoScriptSource.of(AlphaPulseSchema.migrations()), null, null, m -> { });
    }

    @Test
    @DisplayName("a password of any length is scrubbed from messages, one or two characters included")
    void passwords_of_any_length_are_scrubbed() {
        assertThat(Errors.scrub(withSecret("q7"), "login q7 failed")).isEqualTo("login **** failed");
        assertThat(Errors.scrub(withSecret("Z"), "pw=Z")).isEqualTo("pw=****");
        assertThat(Errors.scrub(withSecret("a-long-secret"), "x a-long-secret y")).isEqualTo("x **** y");
        assertThat(Errors.scrub(withSecret(""), "unchanged")).isEqualTo("unchanged");
        assertThat(Errors.scrub(withSecret(null), "unchanged")).isEqualTo("unchanged");
    }

    @Test
    @DisplayName("the settings' toString masks the password and shows everything else")
    void settings_to_string_masks_the_secret() {
        String text = withSecret("S3cr3t-pw").toString();
        assertThat(text).doesNotContain("S3cr3t-pw").contains("secret=****").contains("db:5432/x as u").contains("lockRetries=0");
        assertThat(withSecret(null).toString()).contains("secret=null");
    }
}
