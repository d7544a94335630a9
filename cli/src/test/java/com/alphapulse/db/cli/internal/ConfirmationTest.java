package com.alphapulse.db.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.cli.ExitCode;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The guards a person meets at the terminal, through the CLI with a supplied standard input: the confirmation names
 * the database, the versions and the risk, cancelling has its own exit code and changes nothing, and demo-data
 * refuses a database that holds tenants unless --force.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfirmationTest {

    static final PostgresProvider PG = PostgresProvider.shared();
    static final Database DB = PG.createDatabase("confirm");

    /** The command on this test's database, a person typing {@code typed} at a terminal. */
    static CliTest.Run typing(String typed, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", DB.jdbcUrl(), "--user", DB.adminUser(), "--quiet"));
        return CliTest.run(CliTest.environment().typing(typed), all.toArray(String[]::new));
    }

    static String who() {
        return DB.adminUser() + "@" + DB.host() + ":" + DB.port() + "/" + DB.name();
    }

    @AfterAll
    static void drop() {
        PG.dropDatabase(DB);
    }

    static long count(String sql) throws SQLException {
        try (Connection c = DB.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** What a cancelled command must leave exactly as it was. */
    static List<Long> state() throws SQLException {
        return List.of(count("SELECT count(*) FROM public.flyway_schema_history"),
                count("SELECT count(*) FROM alphapulse_migration.journal"),
                count("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public'"),
                count("SELECT count(*) FROM public.tenants"), count("SELECT count(*) FROM public.trades"));
    }

    @Test
    @Order(1)
    @DisplayName("demo-data loads into a database without tenants, refuses one that holds tenants (naming it, exit 7, "
            + "nothing written), and loads with --force")
    void demo_data_refuses_a_database_with_tenants() throws Exception {
        CliTest.Run up = typing("", "upgrade", "head");
        assertThat(up.exit()).as(up.err()).isZero();
        CliTest.Run first = typing("", "demo-data", "--tenants", "2", "--scale", "0.02");
        assertThat(first.exit()).as(first.err()).isZero();

        List<Long> before = state();
        CliTest.Run refused = typing("", "demo-data", "--tenants", "2", "--scale", "0.02", "--seed", "7");
        assertThat(refused.exit()).isEqualTo(ExitCode.REFUSED_STATE.code());
        assertThat(refused.err()).contains(who() + " holds 2 tenants; demo-data would add fake tenants to it: use --force");
        assertThat(refused.err().strip().lines()).hasSize(1);
        assertThat(state()).as("nothing written").isEqualTo(before);

        CliTest.Run forced = typing("", "demo-data", "--tenants", "2", "--scale", "0.02", "--seed", "7", "--force");
        assertThat(forced.exit()).as(forced.err()).isZero();
        assertThat(count("SELECT count(*) FROM public.tenants")).isEqualTo(before.get(3) + 2);
    }

    @Test
    @Order(2)
    @DisplayName("the prompt names user@host:port/db, the versions and the risk; 'no' and end of input cancel with exit 10, "
            + "one line (with -o json also the error object, code CANCELLED), nothing changed")
    void cancelling_changes_nothing() throws Exception {
        List<Long> before = state();
        CliTest.Run no = typing("no\n", "downgrade", "006");
        assertThat(no.exit()).as(no.err()).isEqualTo(ExitCode.CANCELLED.code()).isEqualTo(10);
        assertThat(no.err()).contains("downgrade " + who() + " from 011 to 006, risk MEDIUM (drops ",
                " columns holding data, archived) with warnings. Type 'yes' to proceed: ");
        // a terminal echoes the typed line and its newline; this input is not echoed, so the message follows the prompt
        assertThat(no.err().strip()).endsWith("Type 'yes' to proceed: cancelled: nothing changed");
        assertThat(state()).isEqualTo(before);

        CliTest.Run eof = typing("", "downgrade", "-1");
        assertThat(eof.exit()).isEqualTo(ExitCode.CANCELLED.code());
        assertThat(eof.err()).contains("downgrade " + who() + " from 011 to 010, risk ");
        assertThat(eof.err().strip().lines().toList()).last().isEqualTo("cancelled: nothing changed");
        assertThat(state()).isEqualTo(before);

        CliTest.Run json = typing("no\n", "downgrade", "-1", "-o", "json");
        assertThat(json.exit()).isEqualTo(ExitCode.CANCELLED.code());
        assertThat(json.json().get("code").asText()).as(json.out()).isEqualTo("CANCELLED");
        assertThat(json.json().get("exitCode").asInt()).isEqualTo(10);
        assertThat(json.json().get("error").asText()).isEqualTo("cancelled: nothing changed");
        assertThat(state()).isEqualTo(before);

        CliTest.Run yes = typing("yes\n", "downgrade", "-1");
        assertThat(yes.exit()).as(yes.err()).isZero();
        assertThat(yes.out()).contains("downgraded 011 -> 010");
    }
}
