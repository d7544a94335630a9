package com.alphapulse.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class PostgresProviderTest {

    @Test
    void shared_provider_is_one_server_per_jvm_and_gives_distinct_fresh_databases() throws SQLException {
        PostgresProvider pg = PostgresProvider.shared();
        assertThat(PostgresProvider.shared()).isSameAs(pg);
        Database a = pg.createDatabase("provider_a");
        Database b = pg.createDatabase("provider_a");
        try {
            assertThat(a.name()).isNotEqualTo(b.name());
            assertThat(a.port()).isEqualTo(b.port());
            try (Connection c = a.connect(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT current_database(), count(*) FROM pg_tables WHERE schemaname = 'public'")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(a.name());
                assertThat(rs.getInt(2)).isZero();
            }
        } finally {
            pg.dropDatabase(a);
            pg.dropDatabase(b);
        }
    }

    @Test
    void jdbc_url_carries_no_user_so_a_data_source_for_another_role_really_connects_as_that_role() throws SQLException {
        PostgresProvider pg = PostgresProvider.shared();
        Database db = pg.createDatabase("provider_role");
        try {
            assertThat(db.jdbcUrl()).doesNotContain("user").doesNotContain("?");
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("DROP ROLE IF EXISTS provider_probe_role");
                s.execute("CREATE ROLE provider_probe_role LOGIN PASSWORD 'pw'");
            }
            try (Connection c = db.dataSource("provider_probe_role", "pw").getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("provider_probe_role");
                assertThat(rs.getBoolean(2)).isFalse();
            }
        } finally {
            pg.dropDatabase(db);
            try (Connection c = pg.adminDatabase().connect(); Statement s = c.createStatement()) {
                s.execute("DROP ROLE IF EXISTS provider_probe_role");
            }
        }
    }

    @Test
    void server_major_version_is_the_one_selected_by_the_build() {
        int expected = Integer.parseInt(System.getProperty("alphapulse.pg.major", "0"));
        int actual = PostgresProvider.shared().majorVersion();
        assertThat(actual).isBetween(15, 18);
        if (expected > 0 && PostgresProvider.shared().kind() != ServerKind.EXTERNAL) {
            assertThat(actual).isEqualTo(expected);
        }
    }

    @Test
    void external_server_with_a_malformed_url_is_refused_with_a_message_naming_the_url_but_no_password() {
        assertThatThrownBy(() -> PostgresProvider.external("jdbc:mysql://x/y", "u", "s3cret"))
                .isInstanceOf(PostgresException.class)
                .hasMessageContaining("jdbc:mysql://x/y")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void unreachable_external_server_fails_without_echoing_the_password() {
        // The embedded server trusts local users, so ask a port nobody listens on instead.
        assertThatThrownBy(() -> PostgresProvider.external("jdbc:postgresql://127.0.0.1:1/postgres", "u", "s3cret"))
                .isInstanceOf(PostgresException.class)
                .hasMessageContaining("cannot connect")
                .hasMessageNotContaining("s3cret");
    }
}
