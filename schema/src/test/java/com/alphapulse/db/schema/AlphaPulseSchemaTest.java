package com.alphapulse.db.schema;

import com.alphapulse.db.testing.TestDatabases;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alphapulse.db.migrations.SchemaException;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.migrations.Version;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class AlphaPulseSchemaTest {

    static final PostgresProvider PG = PostgresProvider.shared();
    static final Database DB = PG.createDatabase("schema_data");

    @AfterAll
    static void drop() {
        PG.dropDatabase(DB);
    }

    @Test
    void versions_are_the_nine_of_the_spec_in_order_each_with_a_migration_and_an_undo_script() {
        assertThat(AlphaPulseSchema.migrations().versions()).extracting(SchemaVersion::label)
                .containsExactly("001", "002", "005", "006", "007", "008", "009", "010", "011");
        assertThat(AlphaPulseSchema.migrations().head().label()).isEqualTo("011");
        for (SchemaVersion v : AlphaPulseSchema.migrations().versions()) {
            assertThat(v.migrationSql()).isNotBlank();
            assertThat(v.undoSql()).isNotBlank();
            assertThat(v.jooqSchema().orElseThrow().getTables()).as("jOOQ tables of %s", v.label()).isNotEmpty();
        }
    }

    @Test
    void a_service_running_flyway_with_its_defaults_does_not_pick_up_the_alphapulse_migrations() {
        // Flyway's (and Spring Boot's) default location is classpath:db/migration; the schema jar must not be there.
        assertThat(getClass().getClassLoader().getResource("db/migration")).isNull();
        assertThat(org.flywaydb.core.Flyway.configure().dataSource(DB.dataSource()).load().info().pending()).isEmpty();
        assertThat(AlphaPulseSchema.migrations().flywayLocation()).isEqualTo("classpath:db/alphapulse/migration");
    }

    @Test
    void versions_are_found_by_number_label_or_flyway_name_and_unknown_ones_are_refused_with_the_known_list() {
        assertThat(AlphaPulseSchema.migrations().version("7").label()).isEqualTo("007");
        assertThat(AlphaPulseSchema.migrations().version("007").label()).isEqualTo("007");
        assertThat(AlphaPulseSchema.migrations().version("V008").label()).isEqualTo("008");
        assertThat(AlphaPulseSchema.migrations().find("3")).isEmpty();
        assertThat(AlphaPulseSchema.migrations().previous(AlphaPulseSchema.migrations().version("5").version()).label()).isEqualTo("002");
        assertThat(AlphaPulseSchema.migrations().previous(AlphaPulseSchema.migrations().first().version())).isEqualTo(Version.BASE);
        assertThat(AlphaPulseSchema.migrations().next(AlphaPulseSchema.migrations().head().version())).isEmpty();
        assertThatThrownBy(() -> AlphaPulseSchema.migrations().version("004"))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("unknown schema version '004'")
                .hasMessageContaining("001, 002, 005, 006, 007, 008, 009, 010, 011")
                .extracting(e -> ((SchemaException) e).code()).isEqualTo(SchemaException.Code.UNKNOWN_VERSION);
    }

    @Test
    void jooq_types_of_each_version_have_the_columns_that_version_added() {
        assertThat(AlphaPulseSchema.migrations().version("002").jooqSchema().orElseThrow().getTable("tenants")).isNull();
        assertThat(AlphaPulseSchema.migrations().version("005").jooqSchema().orElseThrow().getTable("tenants")).isNotNull();
        assertThat(AlphaPulseSchema.migrations().version("005").jooqSchema().orElseThrow().getTable("users").field("tenant_id")).isNull();
        assertThat(AlphaPulseSchema.migrations().version("006").jooqSchema().orElseThrow().getTable("users").field("tenant_id")).isNotNull();
        assertThat(AlphaPulseSchema.migrations().version("006").jooqSchema().orElseThrow().getTable("trades").field("tenant_id")).isNull();
        assertThat(AlphaPulseSchema.migrations().version("007").jooqSchema().orElseThrow().getTable("trades").field("tenant_id")).isNotNull();
    }

    @Test
    void migrating_data_from_002_to_head_keeps_every_row_and_fills_every_tenant_id_as_the_spec_says() throws SQLException {
        TestDatabases.migrate(DB, AlphaPulseSchema.migrations().version("002"));
        TestDatabases.execute(DB, """
                INSERT INTO users (username, email, password_hash) VALUES
                  ('alice', 'alice@example.com', 'h'), ('bob', 'bob@example.com', 'h'), ('carol', 'carol@example.com', 'h');
                INSERT INTO trading_accounts (account_id, account_number, exchange_name, account_type) VALUES
                  ('acc-1', 'n1', 'binance', 'spot'), ('acc-2', 'n2', 'kraken', 'margin');
                INSERT INTO positions (position_id, account_id, symbol, side, size, entry_price)
                  SELECT 'pos-' || g, 1 + g % 2, 'BTC/USD', 'long', 1, 100 FROM generate_series(1, 10) g;
                INSERT INTO trades (trade_id, account_id, position_id, symbol, side, trade_type, quantity, price, gross_value, net_value, executed_at)
                  SELECT 'tr-' || g, 1 + g % 2, CASE WHEN g % 3 = 0 THEN NULL ELSE 1 + g % 10 END, 'BTC/USD', 'buy', 'market', 1, 100, 100, 99, now()
                  FROM generate_series(1, 200) g;
                INSERT INTO risk_metrics (account_id, portfolio_value, total_exposure) VALUES (1, 10, 5), (2, 20, 7);
                INSERT INTO portfolio_snapshots (account_id, total_value, cash_balance) VALUES (1, 10, 1), (2, 20, 2);
                INSERT INTO agent_signals (agent_type, symbol, signal, confidence) VALUES ('momentum', 'BTC/USD', 'buy', 0.7);
                INSERT INTO audit_logs (user_id, event_type, severity) VALUES (1, 'login', 'info'), (2, 'login', 'info'), (NULL, 'system', 'warn');
                """);
        List<String> tables = List.of("users", "trading_accounts", "positions", "trades", "risk_metrics",
                "portfolio_snapshots", "agent_signals", "audit_logs");
        long[] before = new long[tables.size()];
        for (int i = 0; i < tables.size(); i++) {
            before[i] = TestDatabases.count(DB, "SELECT count(*) FROM " + tables.get(i));
        }

        TestDatabases.migrate(DB, AlphaPulseSchema.migrations().head());

        for (int i = 0; i < tables.size(); i++) {
            String t = tables.get(i);
            assertThat(TestDatabases.count(DB, "SELECT count(*) FROM " + t)).as("rows of %s", t).isEqualTo(before[i]);
            assertThat(TestDatabases.count(DB, "SELECT count(*) FROM " + t + " WHERE tenant_id IS NULL"))
                    .as("NULL tenant_id in %s", t).isZero();
            assertThat(TestDatabases.count(DB, "SELECT count(*) FROM " + t + " WHERE tenant_id <> '"
                    + AlphaPulseSchema.DEFAULT_TENANT_ID + "'")).as("non-default tenant in %s", t).isZero();
        }
        assertThat(TestDatabases.count(DB, "SELECT count(*) FROM tenants WHERE id = '"
                + AlphaPulseSchema.DEFAULT_TENANT_ID + "' AND slug = 'default' AND subscription_tier = 'pro'")).isOne();
    }

    @Test
    void two_databases_on_one_server_both_migrate_to_head_and_both_roll_back_past_008() throws SQLException {
        Database first = PG.createDatabase("role_first");
        Database second = PG.createDatabase("role_second");
        try {
            TestDatabases.migrate(first, AlphaPulseSchema.migrations().head());
            TestDatabases.migrate(second, AlphaPulseSchema.migrations().head());
            for (Database db : List.of(first, second)) {
                TestDatabases.undo(db, AlphaPulseSchema.migrations().version("011"));
                TestDatabases.undo(db, AlphaPulseSchema.migrations().version("010"));
                TestDatabases.undo(db, AlphaPulseSchema.migrations().version("009"));
                TestDatabases.undo(db, AlphaPulseSchema.migrations().version("008"));
                if (db == first) {
                    // the second database still grants to the role, so the first rollback must keep it
                    assertThat(TestDatabases.count(db, "SELECT count(*) FROM pg_roles WHERE rolname = 'rls_bypass_role'")).isOne();
                }
            }
            assertThat(TestDatabases.count(second, "SELECT count(*) FROM pg_policies")).isZero();
            // and both can move forward again
            TestDatabases.execute(first, "DELETE FROM flyway_schema_history WHERE version::int IN (8, 9, 10, 11)");
            TestDatabases.migrate(first, AlphaPulseSchema.migrations().head());
            assertThat(TestDatabases.count(first, "SELECT count(*) FROM pg_policies")).isEqualTo(32);
        } finally {
            PG.dropDatabase(first);
            PG.dropDatabase(second);
        }
    }
}
