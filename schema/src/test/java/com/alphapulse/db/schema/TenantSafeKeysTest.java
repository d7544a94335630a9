package com.alphapulse.db.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.testing.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Versions 010 and 011 at head, as the application sees them: a login role with DML grants that neither owns
 * the tables nor bypasses row-level security, scoped to tenant A the way TenantScope does
 * ({@code set_config('app.current_tenant_id', A, true)} in a transaction).
 */
class TenantSafeKeysTest {

    static final PostgresProvider PG = PostgresProvider.shared();
    static final Database DB = PG.createDatabase("tenant_keys");
    static final String APP = "app_keys_" + UUID.randomUUID().toString().substring(0, 8);
    static final String PASSWORD = UUID.randomUUID().toString();
    static final String A = "0a000000-0000-0000-0000-00000000000a";
    static final String B = "0b000000-0000-0000-0000-00000000000b";
    static final String EMPTY_SETTING = "SELECT CASE WHEN current_setting('app.current_tenant_id', true) = '' THEN 1 ELSE 0 END";
    static final String NO_TENANT = "no tenant in scope: set app.current_tenant_id";

    @BeforeAll
    static void migrate() {
        TestDatabases.migrate(DB, AlphaPulseSchema.migrations().head());
        // Superuser set-up names tenant_id everywhere: the default calls alphapulse_current_tenant() otherwise.
        TestDatabases.execute(DB, "INSERT INTO tenants (id, name, slug, subscription_tier) VALUES ('" + A + "', 'A', 'a', 'pro'), ('"
                + B + "', 'B', 'b', 'pro');"
                + "INSERT INTO trading_accounts (id, tenant_id, account_id, account_number, exchange_name, account_type) VALUES "
                + "(1, '" + A + "', 'ACC-1', 'n', 'kraken', 'spot'), (2, '" + B + "', 'ACC-1', 'n', 'kraken', 'spot');"
                + "INSERT INTO positions (id, tenant_id, position_id, account_id, symbol, side, size, entry_price) VALUES "
                + "(1, '" + A + "', 'POS-1', 1, 'BTC/USDT', 'long', 1, 1), (2, '" + B + "', 'POS-1', 2, 'BTC/USDT', 'long', 1, 1);"
                + "INSERT INTO users (id, tenant_id, username, email, password_hash) VALUES "
                + "(1, '" + A + "', 'alice', 'a@x.example', 'h'), (2, '" + B + "', 'alice', 'b@x.example', 'h');"
                + "CREATE ROLE " + APP + " LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '" + PASSWORD + "';"
                + "GRANT USAGE ON SCHEMA public TO " + APP + ";"
                + "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + APP + ";"
                + "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO " + APP);
    }

    @AfterAll
    static void drop() {
        PG.dropDatabase(DB);
        try (Connection c = PG.adminDatabase().connect(); Statement s = c.createStatement()) {
            s.execute("DROP ROLE IF EXISTS " + APP);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void at_head_the_foreign_keys_between_tenant_tables_and_the_natural_keys_carry_the_tenant_and_the_old_ones_are_gone() {
        List<String> definitions = strings("SELECT t.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid) FROM pg_constraint k "
                + "JOIN pg_class t ON t.oid = k.conrelid WHERE k.contype IN ('f', 'u') AND t.relname IN ('users', 'trading_accounts', "
                + "'trades', 'positions', 'portfolio_snapshots', 'risk_metrics', 'audit_logs') AND k.confrelid IS DISTINCT FROM "
                + "'tenants'::regclass ORDER BY 1");
        assertThat(definitions).containsExactlyInAnyOrder(
                "audit_logs fk_audit_logs_users_tenant FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id)",
                "portfolio_snapshots fk_portfolio_snapshots_trading_accounts_tenant FOREIGN KEY (tenant_id, account_id) REFERENCES trading_accounts(tenant_id, id)",
                "portfolio_snapshots uq_portfolio_snapshots_account_id_snapshot_time UNIQUE (account_id, snapshot_time)",
                "positions fk_positions_trading_accounts_tenant FOREIGN KEY (tenant_id, account_id) REFERENCES trading_accounts(tenant_id, id)",
                "positions uq_positions_tenant_id_id UNIQUE (tenant_id, id)",
                "positions uq_positions_tenant_position_id UNIQUE (tenant_id, position_id)",
                "risk_metrics fk_risk_metrics_trading_accounts_tenant FOREIGN KEY (tenant_id, account_id) REFERENCES trading_accounts(tenant_id, id)",
                "trades fk_trades_positions_tenant FOREIGN KEY (tenant_id, position_id) REFERENCES positions(tenant_id, id)",
                "trades fk_trades_trading_accounts_tenant FOREIGN KEY (tenant_id, account_id) REFERENCES trading_accounts(tenant_id, id)",
                "trades uq_trades_tenant_trade_id UNIQUE (tenant_id, trade_id)",
                "trading_accounts uq_trading_accounts_tenant_account_id UNIQUE (tenant_id, account_id)",
                "trading_accounts uq_trading_accounts_tenant_id_id UNIQUE (tenant_id, id)",
                "users uq_users_tenant_email UNIQUE (tenant_id, email)",
                "users uq_users_tenant_id_id UNIQUE (tenant_id, id)",
                "users uq_users_tenant_username UNIQUE (tenant_id, username)");
        assertThat(TestDatabases.count(DB, "SELECT count(*) FROM pg_constraint WHERE NOT convalidated")).isZero();
    }

    @Test
    void at_head_every_policy_reads_the_tenant_through_the_function_and_every_tenant_id_defaults_to_it() {
        assertThat(TestDatabases.count(DB, "SELECT count(*) FROM pg_policies WHERE schemaname = 'public'")).isEqualTo(32);
        assertThat(TestDatabases.count(DB, "SELECT count(*) FROM pg_policies WHERE schemaname = 'public' AND "
                + "coalesce(qual, with_check) LIKE '%alphapulse_current_tenant()%' AND coalesce(with_check, qual) LIKE "
                + "'%alphapulse_current_tenant()%' AND coalesce(qual, '') || coalesce(with_check, '') NOT LIKE '%current_setting%'"))
                .isEqualTo(32);
        assertThat(TestDatabases.count(DB, "SELECT count(*) FROM pg_attribute WHERE attname = 'tenant_id' AND attnum > 0 AND "
                + "pg_get_expr((SELECT d.adbin FROM pg_attrdef d WHERE d.adrelid = attrelid AND d.adnum = attnum), attrelid) "
                + "= 'alphapulse_current_tenant()'")).isEqualTo(8);
        assertThat(strings("SELECT provolatile::text || ' ' || array_to_string(proconfig, ',') FROM pg_proc "
                + "WHERE proname = 'alphapulse_current_tenant' AND pronamespace = 'public'::regnamespace"))
                .containsExactly("s search_path=pg_catalog, pg_temp");
    }

    @Test
    void a_trade_of_tenant_a_cannot_reference_tenant_bs_account_or_position() throws SQLException {
        try (Connection c = app()) {
            c.setAutoCommit(false);
            scope(c, A);
            assertThatThrownBy(() -> insertTrade(c, "X-ACCOUNT", 2, null)).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23503"))
                    .hasMessageContaining("fk_trades_trading_accounts_tenant");
            c.rollback();
            scope(c, A);
            assertThatThrownBy(() -> insertTrade(c, "X-POSITION", 1, 2)).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23503"))
                    .hasMessageContaining("fk_trades_positions_tenant");
            c.rollback();
            scope(c, A);
            // the same account id inside the tenant is accepted: the refusal above is the tenant's, not the key's
            insertTrade(c, "OWN", 1, 1);
            c.rollback();
        }
    }

    @Test
    void the_same_trade_id_and_username_in_two_tenants_are_accepted_and_twice_in_one_tenant_refused() throws SQLException {
        try (Connection c = app()) {
            c.setAutoCommit(false);
            scope(c, A);
            insertTrade(c, "TRD-SHARED", 1, null);
            c.commit();
            scope(c, B);
            insertTrade(c, "TRD-SHARED", 2, 2);
            c.commit();
            scope(c, A);
            assertThatThrownBy(() -> insertTrade(c, "TRD-SHARED", 1, null)).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23505"))
                    .hasMessageContaining("uq_trades_tenant_trade_id");
            c.rollback();
        }
        assertThat(TestDatabases.count(DB, "SELECT count(DISTINCT tenant_id) FROM trades WHERE trade_id = 'TRD-SHARED'")).isEqualTo(2);
        // set up by the superuser above: alice in both tenants
        assertThat(TestDatabases.count(DB, "SELECT count(*) FROM users WHERE username = 'alice'")).isEqualTo(2);
    }

    @Test
    void an_unscoped_select_fails_with_ap001_on_a_fresh_connection_and_on_one_that_ran_a_scoped_transaction() throws SQLException {
        try (Connection fresh = app()) {
            assertThat(longs(fresh, EMPTY_SETTING)).containsExactly(0L);
            assertNoTenant(fresh);
        }
        try (Connection reused = app()) {
            reused.setAutoCommit(false);
            scope(reused, A);
            assertThat(longs(reused, "SELECT count(*) FROM trading_accounts")).containsExactly(1L);
            reused.commit();
            reused.setAutoCommit(true);
            // PostgreSQL keeps '' after the transaction-local setting: under 008 this was 22P02, on a fresh one 0 rows
            assertThat(longs(reused, EMPTY_SETTING)).containsExactly(1L);
            assertNoTenant(reused);
        }
    }

    @Test
    void an_insert_in_scope_without_tenant_id_gets_the_scoped_tenant_and_one_outside_a_scope_fails_with_ap001() throws SQLException {
        try (Connection c = app()) {
            c.setAutoCommit(false);
            scope(c, A);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO agent_signals (agent_type, symbol, signal, confidence) VALUES ('scoped', 'BTC/USDT', 'buy', 0.5)");
                // MATCH SIMPLE: a system event without a user is still allowed
                s.execute("INSERT INTO audit_logs (user_id, event_type, severity) VALUES (NULL, 'scoped', 'info')");
            }
            c.commit();
            c.setAutoCommit(true);
            assertThatThrownBy(() -> {
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO agent_signals (agent_type, symbol, signal, confidence) VALUES ('unscoped', 'BTC/USDT', 'buy', 0.5)");
                }
            }).isInstanceOf(SQLException.class).satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("AP001"));
        }
        assertThat(strings("SELECT tenant_id::text FROM agent_signals WHERE agent_type = 'scoped' UNION ALL "
                + "SELECT tenant_id::text FROM audit_logs WHERE event_type = 'scoped'")).containsExactly(A, A);
        assertThat(TestDatabases.count(DB, "SELECT count(*) FROM agent_signals WHERE agent_type = 'unscoped'")).isZero();
    }

    private static void assertNoTenant(Connection c) {
        assertThatThrownBy(() -> longs(c, "SELECT count(*) FROM trades")).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("AP001"))
                .hasMessageContaining(NO_TENANT);
    }

    private static void insertTrade(Connection c, String tradeId, int account, Integer position) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO trades (trade_id, account_id, position_id, symbol, side, trade_type, "
                + "quantity, price, gross_value, net_value, executed_at) VALUES (?, ?, ?, 'BTC/USDT', 'buy', 'market', 1, 1, 1, 1, now())")) {
            s.setString(1, tradeId);
            s.setInt(2, account);
            if (position == null) {
                s.setNull(3, java.sql.Types.INTEGER);
            } else {
                s.setInt(3, position);
            }
            s.executeUpdate();
        }
    }

    private static void scope(Connection c, String tenant) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT set_config('app.current_tenant_id', ?, true)")) {
            s.setString(1, tenant);
            s.execute();
        }
    }

    private static Connection app() throws SQLException {
        return DB.dataSource(APP, PASSWORD).getConnection();
    }

    private static List<Long> longs(Connection c, String sql) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    private static List<String> strings(String sql) {
        List<String> out = new ArrayList<>();
        try (Connection c = DB.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
