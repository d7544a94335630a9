package com.alphapulse.db.verification;

import com.alphapulse.db.testing.TestDatabases;
import com.alphapulse.db.testing.AlphaPulseRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.verification.SnapshotDifference.Kind;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DataSnapshotTest {

    /** Prefix of a tampering statement: this session's triggers off, so that foreign keys do not stop the damage. */
    private static final String REPLICA = "SET session_replication_role = replica; ";

    static final Database DB = PostgresProvider.shared().createDatabase("snapshot");
    static final String T1 = AlphaPulseRows.tenant(1);
    static final String T2 = AlphaPulseRows.tenant(2);
    static final String T3 = AlphaPulseRows.tenant(3);
    static Verifier verifier;
    static DataSnapshot baseline;

    @BeforeAll
    static void load() {
        TestDatabases.migrate(DB, AlphaPulseSchema.migrations().head());
        AlphaPulseRows.load(DB, 3, 200);
        verifier = Verifier.on(DB.dataSource());
        baseline = verifier.snapshot();
    }

    @AfterAll
    static void drop() {
        PostgresProvider.shared().dropDatabase(DB);
    }

    @Test
    @DisplayName("at one version every column counts: a wrong value in a column other versions lack is a difference")
    void sameVersionComparesEveryColumn() {
        com.alphapulse.db.migrations.MigrationSet set = com.alphapulse.db.testing.MigrationSets.fixture();
        Database db = PostgresProvider.shared().createDatabase("snapshot_full");
        try {
            TestDatabases.migrate(db, set.head());
            Verifier v = Verifier.on(db.dataSource(), set);
            v.fill(FillOptions.of(2, 20));
            TestDatabases.execute(db, "UPDATE entries SET reviewed_on = date '2024-05-01' + (id % 30)::int");
            DataSnapshot before = v.snapshot();
            assertThat(before.table("entries").orElseThrow().hashedColumns()).as("varies across versions").doesNotContain("reviewed_on");
            assertThat(before.table("entries").orElseThrow().allColumns()).contains("reviewed_on");

            // what a restore that forgot the column would leave: the rows, but not their values
            TestDatabases.execute(db, "UPDATE entries SET reviewed_on = NULL WHERE id = (SELECT min(id) FROM entries)");
            assertThat(Verifier.compare(before, v.snapshot()).differences())
                    .extracting(SnapshotDifference::table).containsExactly("entries");
        } finally {
            PostgresProvider.shared().dropDatabase(db);
        }
    }

    private static long firstTrade(String tenant) {
        return TestDatabases.count(DB, "SELECT min(id) FROM trades WHERE tenant_id = '" + tenant + "'");
    }

    @Test
    @DisplayName("unchanged data gives identical snapshots; tenant tables are grouped per tenant with tenant_id left out of the hash")
    void unchangedIsIdentical() {
        assertThat(Verifier.compare(baseline, verifier.snapshot()).identical()).isTrue();

        TableSnapshot trades = baseline.table("trades").orElseThrow();
        assertThat(trades.groupedByTenant()).isTrue();
        assertThat(trades.hashedColumns()).doesNotContain("tenant_id").contains("id", "trade_id", "price", "created_at");
        assertThat(trades.groups().keySet()).containsExactly(T1, T2, T3);
        assertThat(trades.total().rows()).isEqualTo(TestDatabases.count(DB, "SELECT count(*) FROM trades"));
        assertThat(trades.group(T1).rows()).isEqualTo(200);

        TableSnapshot tenants = baseline.table("tenants").orElseThrow();
        assertThat(tenants.groupedByTenant()).isFalse();
        assertThat(tenants.hashedColumns()).contains("id", "slug");
        assertThat(tenants.groups().keySet()).containsExactly(DataSnapshot.ALL_ROWS);
        assertThat(baseline.tableNames()).contains("exchange_prices", "user_roles", "tenants").doesNotContain("flyway_schema_history");
        assertThat(baseline.tables()).filteredOn(TableSnapshot::groupedByTenant).extracting(TableSnapshot::table)
                .containsExactlyInAnyOrderElementsOf(AlphaPulseSchema.TENANT_TABLES);
    }

    @Test
    @DisplayName("the checksum does not depend on the physical order of the rows")
    void orderIndependent() {
        TestDatabases.execute(DB, "CREATE TABLE trades_copy AS SELECT * FROM trades; DELETE FROM trades; "
                + "INSERT INTO trades SELECT * FROM trades_copy ORDER BY id DESC; DROP TABLE trades_copy");
        assertThat(TestDatabases.count(DB, "SELECT id FROM trades LIMIT 1"))
                .as("rows really are stored in another order").isNotEqualTo(firstTrade(T1));
        assertThat(Verifier.compare(baseline, verifier.snapshot()).differences()).isEmpty();
    }

    @Test
    @DisplayName("one changed value is named exactly: that table and that tenant, same row count, different checksum")
    void changedValue() {
        long id = firstTrade(T2);
        TestDatabases.execute(DB, "UPDATE trades SET price = price + 1 WHERE id = " + id);
        try {
            CompareResult r = Verifier.compare(baseline, verifier.snapshot());
            assertThat(r.differences()).extracting(SnapshotDifference::kind, SnapshotDifference::table,
                    SnapshotDifference::tenant).containsExactly(tuple(Kind.ROWS_DIFFER, "trades", T2));
            SnapshotDifference d = r.differences().get(0);
            assertThat(d.before().rows()).isEqualTo(d.after().rows());
            assertThat(d.before().checksum()).isNotEqualTo(d.after().checksum());
            assertThat(r.tables()).containsExactly("trades");
        } finally {
            TestDatabases.execute(DB, "UPDATE trades SET price = price - 1 WHERE id = " + id);
        }
        assertThat(Verifier.compare(baseline, verifier.snapshot()).identical()).isTrue();
    }

    @Test
    @DisplayName("a row moved to another tenant names both tenants; two rows swapping tenants (same counts) are caught too")
    void tenantIdChanges() {
        long a = firstTrade(T1);
        long b = firstTrade(T3);
        // Both rows are put back whatever fails, so that the other tests start from the baseline. From 010 on the
        // foreign keys carry the tenant and refuse such a move; the damage the snapshot must still see (a bad restore,
        // a manual fix) is made with their triggers off (session_replication_role = replica, this session only).
        try {
            TestDatabases.execute(DB, REPLICA + "UPDATE trades SET tenant_id = '" + T2 + "' WHERE id = " + a);
            CompareResult moved = Verifier.compare(baseline, verifier.snapshot());
            assertThat(moved.differences())
                    .extracting(SnapshotDifference::tenant, d -> d.before().rows(), d -> d.after().rows())
                    .containsExactly(tuple(T1, 200L, 199L), tuple(T2, 200L, 201L));

            TestDatabases.execute(DB, REPLICA + "UPDATE trades SET tenant_id = '" + T3 + "' WHERE id = " + a
                    + "; UPDATE trades SET tenant_id = '" + T1 + "' WHERE id = " + b);
            CompareResult swapped = Verifier.compare(baseline, verifier.snapshot());
            assertThat(swapped.differences()).extracting(SnapshotDifference::table, SnapshotDifference::tenant)
                    .containsExactly(tuple("trades", T1), tuple("trades", T3));
            assertThat(swapped.differences()).allSatisfy(d -> {
                assertThat(d.after().rows()).isEqualTo(d.before().rows());
                assertThat(d.after().checksum()).isNotEqualTo(d.before().checksum());
            });
        } finally {
            TestDatabases.execute(DB, REPLICA + "UPDATE trades SET tenant_id = '" + T1 + "' WHERE id = " + a
                    + "; UPDATE trades SET tenant_id = '" + T3 + "' WHERE id = " + b);
        }
        assertThat(Verifier.compare(baseline, verifier.snapshot()).identical()).isTrue();
    }

    @Test
    @DisplayName("a deleted row is named by table and tenant with both counts, and restoring it restores equality")
    void deletedRow() {
        TestDatabases.execute(DB, "CREATE SCHEMA scratch; CREATE TABLE scratch.audit_copy AS SELECT * FROM audit_logs WHERE id = "
                + "(SELECT min(id) FROM audit_logs WHERE tenant_id = '" + T3 + "');"
                + "DELETE FROM audit_logs WHERE id IN (SELECT id FROM scratch.audit_copy)");
        try {
            CompareResult r = Verifier.compare(baseline, verifier.snapshot());
            assertThat(r.differences()).extracting(SnapshotDifference::table, SnapshotDifference::tenant,
                    d -> d.before().rows() - d.after().rows()).containsExactly(tuple("audit_logs", T3, 1L));
            assertThat(r.differences().get(0).message()).contains("audit_logs", T3);
        } finally {
            TestDatabases.execute(DB, "INSERT INTO audit_logs SELECT * FROM scratch.audit_copy; DROP SCHEMA scratch CASCADE");
        }
        assertThat(Verifier.compare(baseline, verifier.snapshot()).identical()).isTrue();
    }

    @Test
    @DisplayName("a snapshot never silently misses rows: a role that row-level security filters, without rls_bypass_role, gets INSUFFICIENT_PRIVILEGE")
    void rlsFilteredRoleIsRefused() {
        String role = "snap_" + UUID.randomUUID().toString().substring(0, 8);
        TestDatabases.execute(DB, "CREATE ROLE " + role + " LOGIN PASSWORD 'pw'; GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + role);
        try {
            assertThatThrownBy(() -> Verifier.on(DB.dataSource(role, "pw")).snapshot())
                    .isInstanceOfSatisfying(VerificationException.class,
                            e -> assertThat(e.code()).isEqualTo(VerificationException.Code.INSUFFICIENT_PRIVILEGE))
                    .hasMessageContaining("row-level security").hasMessageContaining("GRANT rls_bypass_role TO " + role);
        } finally {
            TestDatabases.execute(DB, "DROP OWNED BY " + role + "; DROP ROLE " + role);
        }
    }

    @Test
    @DisplayName("002-level data compares identical with the same data after upgrading to the head; losing tenant_id and backfilling the default tenant is named per tenant")
    void acrossVersions() {
        Database low = PostgresProvider.shared().createDatabase("snapshot_002");
        try {
            TestDatabases.migrate(low, AlphaPulseSchema.migrations().version("2"));
            TestDatabases.execute(low, """
                    INSERT INTO users (username, email, password_hash)
                    SELECT 'u' || g, 'u' || g || '@x.test', 'h' FROM generate_series(1, 6) g;
                    INSERT INTO trading_accounts (account_id, account_number, exchange_name, account_type)
                    SELECT 'a' || g, 'n', 'kraken', 'spot' FROM generate_series(1, 3) g;
                    INSERT INTO trades (trade_id, account_id, symbol, side, trade_type, quantity, price, gross_value, net_value, executed_at)
                    SELECT 't' || g, 1 + g % 3, 'ETH', 'buy', 'limit', g, 0.1 * g, g, g, timestamptz '2024-05-01' + g * interval '1 s'
                      FROM generate_series(1, 50) g;
                    INSERT INTO audit_logs (user_id, event_type, severity) SELECT 1 + g % 6, 'e', 'info' FROM generate_series(1, 10) g;
                    """);
            Verifier v = Verifier.on(low.dataSource());
            DataSnapshot at002 = v.snapshot();
            assertThat(at002.table("users").orElseThrow().groupedByTenant()).isFalse();

            TestDatabases.migrate(low, AlphaPulseSchema.migrations().head());
            DataSnapshot atHead = v.snapshot();
            assertThat(atHead.table("users").orElseThrow().groups().keySet())
                    .containsExactly(AlphaPulseSchema.DEFAULT_TENANT_ID);
            assertThat(Verifier.compare(at002, atHead.restrictTo(at002.tableNames())).identical()).isTrue();
            assertThat(Verifier.compare(at002, atHead).differences())
                    .extracting(SnapshotDifference::kind, SnapshotDifference::table)
                    .containsExactly(tuple(Kind.TABLE_ONLY_AFTER, "tenants"));

            String other = "20000000-0000-0000-0000-000000000002";
            TestDatabases.execute(low, "INSERT INTO tenants (id, name, slug, subscription_tier) VALUES ('" + other
                    + "', 'Other', 'other', 'starter'); WITH moved AS (UPDATE users SET tenant_id = '" + other
                    + "' WHERE id <= 2 RETURNING id) UPDATE audit_logs SET tenant_id = '" + other
                    + "' WHERE user_id IN (SELECT id FROM moved)");
            DataSnapshot before = v.snapshot();
            // What a rollback that does not archive tenant_id does: drop the column, re-add it with the default.
            TestDatabases.execute(low, "ALTER TABLE users DROP COLUMN tenant_id CASCADE");
            DataSnapshot without = v.snapshot();
            assertThat(Verifier.compare(before, without).identical()).as("the rows themselves are intact").isTrue();
            TestDatabases.execute(low, "ALTER TABLE users ADD COLUMN tenant_id uuid NOT NULL DEFAULT '"
                    + AlphaPulseSchema.DEFAULT_TENANT_ID + "'");
            CompareResult lossy = Verifier.compare(before, v.snapshot());
            assertThat(lossy.differences()).extracting(SnapshotDifference::table, SnapshotDifference::tenant,
                    d -> d.before().rows(), d -> d.after().rows())
                    .containsExactly(tuple("users", AlphaPulseSchema.DEFAULT_TENANT_ID, 4L, 6L), tuple("users", other, 2L, 0L));
        } finally {
            PostgresProvider.shared().dropDatabase(low);
        }
    }

    @Test
    @DisplayName("digests of tenants add up to the table total, so collapsing groups is exact")
    void digestsAreAdditive() {
        TableSnapshot trades = baseline.table("trades").orElseThrow();
        DataSnapshot only = verifier.snapshot(List.of("trades"));
        assertThat(only.tableNames()).containsExactly("trades");
        assertThat(only.collapsed().table("trades").orElseThrow().group(DataSnapshot.ALL_ROWS)).isEqualTo(trades.total());
        assertThat(trades.total()).isEqualTo(trades.group(T1).plus(trades.group(T2)).plus(trades.group(T3)));
    }
}
