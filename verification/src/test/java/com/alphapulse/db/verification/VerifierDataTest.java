package com.alphapulse.db.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.testing.AlphaPulseRows;
import com.alphapulse.db.testing.MigrationSets;
import com.alphapulse.db.testing.TestDatabases;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The tenancy key rules and {@code verify --data} ({@link Verifier#verifyData}) on real databases: AlphaPulse
 * at 009, which ships single-column foreign keys and global unique keys, and a copy of the set with a
 * test-only 010 that fixes them (as /work/shared/spec/schema.md describes 010), correct and damaged.
 */
class VerifierDataTest {

    static final Database AT_009 = PostgresProvider.shared().createDatabase("verify_data_009");
    static final Database AT_010 = PostgresProvider.shared().createDatabase("verify_data_010");
    static final Database DAMAGED_010 = PostgresProvider.shared().createDatabase("verify_data_010_damaged");
    /** The fixes of 010, by the objects 009 has: six foreign keys and four global unique keys. */
    static final List<String> FIXED_BY_010 = List.of("audit_logs.fk_audit_logs_user_id",
            "portfolio_snapshots.fk_portfolio_snapshots_account_id", "positions.fk_positions_account_id",
            "risk_metrics.fk_risk_metrics_account_id", "trades.fk_trades_account_id", "trades.fk_trades_position_id",
            "positions.uq_positions_position_id", "trades.uq_trades_trade_id",
            "trading_accounts.uq_trading_accounts_account_id", "users.uq_users_username");
    /** Unique per account, so per tenant in effect, but without tenant_id: 010 keeps it. */
    static final String KEPT = "portfolio_snapshots.uq_portfolio_snapshots_account_id_snapshot_time";

    static MigrationSet with010;

    @BeforeAll
    static void migrate() {
        TestDatabases.migrate(AT_009, AlphaPulseSchema.migrations().head());
        AlphaPulseRows.load(AT_009, 2, 20);
        Path dir = MigrationSets.copyScripts(AlphaPulseSchema.migrations());
        copy("V010__tenant_safe_keys.sql", dir.resolve("migration"));
        copy("U010__tenant_safe_keys.sql", dir.resolve("undo"));
        with010 = MigrationSets.generate(dir);
        for (Database db : List.of(AT_010, DAMAGED_010)) {
            TestDatabases.migrate(db, with010.version("10"));
            AlphaPulseRows.load(db, 2, 20);
        }
    }

    private static void copy(String resource, Path dir) {
        try (InputStream in = VerifierDataTest.class.getResourceAsStream("/tenant-keys/" + resource)) {
            Files.copy(in, dir.resolve(resource));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void drop() {
        for (Database db : List.of(AT_009, AT_010, DAMAGED_010)) {
            PostgresProvider.shared().dropDatabase(db);
        }
    }

    /** A trade of tenant 2 on an account of tenant 1, written as the superuser: what 009's keys let through. */
    private static long crossTenantTrade(Database db) {
        return TestDatabases.count(db, "INSERT INTO trades (tenant_id, trade_id, account_id, symbol, side, trade_type, "
                + "quantity, price, fee, gross_value, net_value, executed_at) SELECT '" + AlphaPulseRows.tenant(2)
                + "', 'cross-tenant-1', account_id, symbol, side, trade_type, quantity, price, fee, gross_value, "
                + "net_value, executed_at FROM trades WHERE tenant_id = '" + AlphaPulseRows.tenant(1) + "' LIMIT 1 RETURNING id");
    }

    @Test
    @DisplayName("a correct 009 database: verify --data and the tenancy rules give no error; 009's own keys are warnings known in 009 that no later version of AlphaPulse fixes yet")
    void correct009() {
        VerifyResult r = Verifier.on(AT_009.dataSource()).verifyData(AlphaPulseSchema.migrations().head());

        assertThat(r.errors()).isEmpty();
        List<Finding> known = r.warnings().stream().filter(f -> f.message().contains("known in 009")).toList();
        assertThat(known).extracting(Finding::object).containsExactlyInAnyOrderElementsOf(
                concat(FIXED_BY_010, KEPT));
        assertThat(known).allSatisfy(f -> assertThat(f.message()).contains("no later version of the set fixes it yet"));
        assertThat(r.warnings()).as("nothing but the known keys").hasSameSizeAs(known);

        TenancyResult t = Verifier.on(AT_009.dataSource()).checkTenancy(null);
        assertThat(t.errors()).isEmpty();
        assertThat(t.warnings()).extracting(Finding::object).containsExactlyInAnyOrderElementsOf(concat(FIXED_BY_010, KEPT));
    }

    @Test
    @DisplayName("against a set that has 010, 009's known keys say 010 fixes them; a correct 010 database has no error and only the key 010 keeps")
    void correct010() {
        VerifyResult at009 = Verifier.on(AT_009.dataSource(), with010).verifyData(with010.version("9"));
        assertThat(at009.errors()).isEmpty();
        assertThat(at009.warnings()).filteredOn(f -> FIXED_BY_010.contains(f.object())).hasSize(FIXED_BY_010.size())
                .allSatisfy(f -> assertThat(f.message()).contains("known in 009", "version 010 of the set fixes it"));

        VerifyResult at010 = Verifier.on(AT_010.dataSource(), with010).verifyData(with010.head());
        assertThat(at010.errors()).isEmpty();
        assertThat(at010.warnings()).singleElement().satisfies(f -> {
            assertThat(f.object()).isEqualTo(KEPT);
            assertThat(f.message()).contains("known in 010", "no later version of the set fixes it yet");
        });
        assertThat(Verifier.on(AT_010.dataSource(), with010).checkTenancy(null).errors()).isEmpty();
    }

    @Test
    @DisplayName("009 with a cross-tenant trade (the seed's scenario 2): exactly one error, naming the table, key, count and the row")
    void crossTenantRowAt009() {
        long id = crossTenantTrade(AT_009);
        try {
            VerifyResult r = Verifier.on(AT_009.dataSource()).verifyData(AlphaPulseSchema.migrations().head());

            assertThat(r.errors()).singleElement().satisfies(f -> {
                assertThat(f.objectType()).isEqualTo(Finding.ROWS);
                assertThat(f.object()).isEqualTo("trades.fk_trades_account_id");
                assertThat(f.actual()).isEqualTo("1 cross-tenant rows");
                assertThat(f.message()).contains("1 rows of trades", "trading_accounts", "id of the first: " + id);
            });
            assertThat(Verifier.on(AT_009.dataSource()).verify(AlphaPulseSchema.migrations().head()).errors())
                    .as("the catalog alone sees nothing").isEmpty();
        } finally {
            TestDatabases.execute(AT_009, "DELETE FROM trades WHERE id = " + id);
        }
    }

    @Test
    @DisplayName("010 whose trades FK lost tenant_id (not known in 010) and a cross-tenant trade: the key error, the rows error, and the catalog's missing key")
    void damaged010() {
        TestDatabases.execute(DAMAGED_010, "ALTER TABLE trades DROP CONSTRAINT fk_trades_trading_accounts_tenant, "
                + "ADD CONSTRAINT fk_trades_account_id FOREIGN KEY (account_id) REFERENCES trading_accounts (id)");
        long id = crossTenantTrade(DAMAGED_010);

        VerifyResult r = Verifier.on(DAMAGED_010.dataSource(), with010).verifyData(with010.head());

        assertThat(r.errors()).extracting(Finding::objectType, Finding::object).containsExactlyInAnyOrder(
                tuple(Finding.FOREIGN_KEY, "trades.fk_trades_trading_accounts_tenant"),
                tuple(Finding.FOREIGN_KEY, "trades.fk_trades_account_id"),
                tuple(Finding.ROWS, "trades.fk_trades_account_id"));
        assertThat(r.errors()).filteredOn(f -> f.object().equals("trades.fk_trades_account_id")
                && f.objectType().equals(Finding.FOREIGN_KEY)).singleElement().satisfies(f -> assertThat(f.message())
                        .contains("without tenant_id on both sides").doesNotContain("known in"));
        assertThat(r.errors()).filteredOn(f -> f.objectType().equals(Finding.ROWS)).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("id of the first: " + id));
        TenancyResult t = Verifier.on(DAMAGED_010.dataSource(), with010).checkTenancy(null);
        assertThat(t.errors()).extracting(Finding::object).containsExactly("trades.fk_trades_account_id");
    }

    private static List<String> concat(List<String> list, String one) {
        return java.util.stream.Stream.concat(list.stream(), java.util.stream.Stream.of(one)).toList();
    }
}
