package com.alphapulse.db.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.testing.AlphaPulseRows;
import com.alphapulse.db.testing.TestDatabases;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The tenancy key rules and {@code verify --data} ({@link Verifier#verifyData}) on real databases: AlphaPulse
 * at 009, which ships single-column foreign keys and global unique keys, and at head, where 010 fixed them,
 * correct and damaged.
 */
class VerifierDataTest {

    static final Database AT_009 = PostgresProvider.shared().createDatabase("verify_data_009");
    static final Database AT_HEAD = PostgresProvider.shared().createDatabase("verify_data_head");
    static final Database DAMAGED_HEAD = PostgresProvider.shared().createDatabase("verify_data_head_damaged");
    static final MigrationSet SET = AlphaPulseSchema.migrations();
    /** The fixes of 010, by the objects 009 has: six foreign keys and four global unique keys. */
    static final List<String> FIXED_BY_010 = List.of("audit_logs.fk_audit_logs_user_id",
            "portfolio_snapshots.fk_portfolio_snapshots_account_id", "positions.fk_positions_account_id",
            "risk_metrics.fk_risk_metrics_account_id", "trades.fk_trades_account_id", "trades.fk_trades_position_id",
            "positions.uq_positions_position_id", "trades.uq_trades_trade_id",
            "trading_accounts.uq_trading_accounts_account_id", "users.uq_users_username");
    /** Unique per account, so per tenant in effect, but without tenant_id: 010 keeps it. */
    static final String KEPT = "portfolio_snapshots.uq_portfolio_snapshots_account_id_snapshot_time";

    @BeforeAll
    static void migrate() {
        TestDatabases.migrate(AT_009, SET.version("9"));
        AlphaPulseRows.load(AT_009, 2, 20);
        for (Database db : List.of(AT_HEAD, DAMAGED_HEAD)) {
            TestDatabases.migrate(db, SET.head());
            AlphaPulseRows.load(db, 2, 20);
        }
    }

    @AfterAll
    static void drop() {
        for (Database db : List.of(AT_009, AT_HEAD, DAMAGED_HEAD)) {
            PostgresProvider.shared().dropDatabase(db);
        }
    }

    /**
     * A trade of tenant 2 on an account of tenant 1, written as the superuser with foreign-key triggers off: what
     * 009's keys let through, and how such a row gets past 010's.
     */
    private static long crossTenantTrade(Database db) {
        return replica(db, "INSERT INTO trades (tenant_id, trade_id, account_id, symbol, side, trade_type, "
                + "quantity, price, fee, gross_value, net_value, executed_at) SELECT '" + AlphaPulseRows.tenant(2)
                + "', 'cross-tenant-1', account_id, symbol, side, trade_type, quantity, price, fee, gross_value, "
                + "net_value, executed_at FROM trades WHERE tenant_id = '" + AlphaPulseRows.tenant(1) + "' LIMIT 1 RETURNING id");
    }

    @Test
    @DisplayName("a correct 009 database: verify --data and the tenancy rules give no error; 009's own keys are warnings known in 009, which say 010 fixes them")
    void correct009() {
        VerifyResult r = Verifier.on(AT_009.dataSource()).verifyData(SET.version("9"));

        assertThat(r.errors()).isEmpty();
        List<Finding> known = r.warnings().stream().filter(f -> f.message().contains("known in 009")).toList();
        assertThat(known).extracting(Finding::object).containsExactlyInAnyOrderElementsOf(concat(FIXED_BY_010, KEPT));
        assertThat(known).filteredOn(f -> FIXED_BY_010.contains(f.object()))
                .allSatisfy(f -> assertThat(f.message()).contains("version 010 of the set fixes it"));
        assertThat(known).filteredOn(f -> f.object().equals(KEPT))
                .allSatisfy(f -> assertThat(f.message()).contains("no later version of the set fixes it yet"));
        assertThat(r.warnings()).as("nothing but the known keys").hasSameSizeAs(known);

        TenancyResult t = Verifier.on(AT_009.dataSource()).checkTenancy(null);
        assertThat(t.errors()).isEmpty();
        assertThat(t.warnings()).extracting(Finding::object).containsExactlyInAnyOrderElementsOf(concat(FIXED_BY_010, KEPT));
    }

    @Test
    @DisplayName("a correct database at head: no error, and only the key 010 keeps as a known warning")
    void correctHead() {
        VerifyResult r = Verifier.on(AT_HEAD.dataSource()).verifyData(SET.head());

        assertThat(r.errors()).isEmpty();
        assertThat(r.warnings()).singleElement().satisfies(f -> {
            assertThat(f.object()).isEqualTo(KEPT);
            assertThat(f.message()).contains("known in " + SET.head().label(), "no later version of the set fixes it yet");
        });
        assertThat(Verifier.on(AT_HEAD.dataSource()).checkTenancy(null).errors()).isEmpty();
    }

    @Test
    @DisplayName("009 with a cross-tenant trade (the seed's scenario 2): exactly one error, naming the table, key, count and the row")
    void crossTenantRowAt009() {
        long id = crossTenantTrade(AT_009);
        try {
            VerifyResult r = Verifier.on(AT_009.dataSource()).verifyData(SET.version("9"));

            assertThat(r.errors()).singleElement().satisfies(f -> {
                assertThat(f.objectType()).isEqualTo(Finding.ROWS);
                assertThat(f.object()).isEqualTo("trades.fk_trades_account_id");
                assertThat(f.actual()).isEqualTo("1 cross-tenant rows");
                assertThat(f.message()).contains("1 rows of trades", "trading_accounts", "id of the first: " + id);
            });
            assertThat(Verifier.on(AT_009.dataSource()).verify(SET.version("9")).errors())
                    .as("the catalog alone sees nothing").isEmpty();
        } finally {
            TestDatabases.execute(AT_009, "DELETE FROM trades WHERE id = " + id);
        }
    }

    @Test
    @DisplayName("head with a cross-tenant trade written past 010's keys (triggers off): found through the key that carries the tenant")
    void crossTenantRowAtHead() {
        long id = crossTenantTrade(AT_HEAD);
        try {
            VerifyResult r = Verifier.on(AT_HEAD.dataSource()).verifyData(SET.head());

            assertThat(r.errors()).singleElement().satisfies(f -> {
                assertThat(f.objectType()).isEqualTo(Finding.ROWS);
                assertThat(f.object()).isEqualTo("trades.fk_trades_trading_accounts_tenant");
                assertThat(f.message()).contains("id of the first: " + id);
            });
        } finally {
            TestDatabases.execute(AT_HEAD, "DELETE FROM trades WHERE id = " + id);
        }
    }

    @Test
    @DisplayName("head whose trades FK lost tenant_id (not known at head) and a cross-tenant trade: the key error, the rows error, and the catalog's missing key")
    void damagedHead() {
        TestDatabases.execute(DAMAGED_HEAD, "ALTER TABLE trades DROP CONSTRAINT fk_trades_trading_accounts_tenant, "
                + "ADD CONSTRAINT fk_trades_account_id FOREIGN KEY (account_id) REFERENCES trading_accounts (id)");
        long id = crossTenantTrade(DAMAGED_HEAD);

        VerifyResult r = Verifier.on(DAMAGED_HEAD.dataSource()).verifyData(SET.head());

        assertThat(r.errors()).extracting(Finding::objectType, Finding::object).containsExactlyInAnyOrder(
                tuple(Finding.FOREIGN_KEY, "trades.fk_trades_trading_accounts_tenant"),
                tuple(Finding.FOREIGN_KEY, "trades.fk_trades_account_id"),
                tuple(Finding.ROWS, "trades.fk_trades_account_id"));
        assertThat(r.errors()).filteredOn(f -> f.object().equals("trades.fk_trades_account_id")
                && f.objectType().equals(Finding.FOREIGN_KEY)).singleElement().satisfies(f -> assertThat(f.message())
                        .contains("without tenant_id on both sides").doesNotContain("known in"));
        assertThat(r.errors()).filteredOn(f -> f.objectType().equals(Finding.ROWS)).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("id of the first: " + id));
        TenancyResult t = Verifier.on(DAMAGED_HEAD.dataSource()).checkTenancy(null);
        assertThat(t.errors()).extracting(Finding::object).containsExactly("trades.fk_trades_account_id");
    }

    private static long replica(Database db, String sql) {
        try (java.sql.Connection c = db.connect(); java.sql.Statement st = c.createStatement()) {
            st.execute("SET session_replication_role = replica");
            try (java.sql.ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static List<String> concat(List<String> list, String one) {
        return java.util.stream.Stream.concat(list.stream(), java.util.stream.Stream.of(one)).toList();
    }
}
