package com.alphapulse.db.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.testing.MigrationSets;
import com.alphapulse.db.testing.TestDatabases;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link Verifier#fill}: typed rows for whatever tenant tables the catalog has, in FK order, set-based. */
class VerifierFillTest {

    static final Database DB = PostgresProvider.shared().createDatabase("fill_alphapulse");
    static final Database TYPED = PostgresProvider.shared().createDatabase("fill_typed");

    @AfterAll
    static void drop() {
        PostgresProvider.shared().dropDatabase(DB);
        PostgresProvider.shared().dropDatabase(TYPED);
    }

    @Test
    @DisplayName("100,000 AlphaPulse trades over 3 tenants in seconds, every foreign key inside its tenant, the head still exact and isolated")
    void alphaPulseAtScale() {
        TestDatabases.migrate(DB, AlphaPulseSchema.migrations().head());
        Verifier v = Verifier.on(DB.dataSource());

        FillResult r = v.fill(FillOptions.of(3, 200).withRows("trades", 33_334).withRows("positions", 1_000).withSeed(42));

        System.out.printf("fill: %d rows in %d ms: %s%n", r.total(), r.duration().toMillis(), r.rows());
        assertThat(r.registry()).isEqualTo("tenants");
        assertThat(r.rows("trades")).isEqualTo(100_002);
        assertThat(r.rows("positions")).isEqualTo(3_000);
        assertThat(r.rows()).containsEntry("tenants", 3L).containsEntry("users", 600L).containsEntry("audit_logs", 600L);
        assertThat(r.rows().keySet()).as("parents before children")
                .containsSubsequence("tenants", "trading_accounts", "positions", "trades")
                .containsSubsequence("users", "audit_logs")
                .doesNotContain("user_roles", "sync_status");
        assertThat(r.duration()).as("set-based: seconds, not minutes").isLessThan(Duration.ofSeconds(90));
        assertThat(TestDatabases.count(DB, "SELECT count(*) FROM trades t JOIN trading_accounts a ON a.id = t.account_id "
                + "WHERE a.tenant_id <> t.tenant_id")).as("trades on another tenant's account").isZero();
        assertThat(TestDatabases.count(DB, "SELECT count(*) FROM trades t JOIN positions p ON p.id = t.position_id "
                + "WHERE p.tenant_id <> t.tenant_id")).as("trades of another tenant's position").isZero();
        assertThat(TestDatabases.count(DB, "SELECT count(DISTINCT account_id) FROM trades")).as("spread over accounts")
                .isEqualTo(600);
        assertThat(TestDatabases.count(DB, "SELECT count(DISTINCT subscription_tier) FROM tenants WHERE id = ANY (ARRAY['"
                + r.tenantIds().get(0) + "', '" + r.tenantIds().get(1) + "', '" + r.tenantIds().get(2) + "']::uuid[])"))
                .as("allowed values of the CHECK, in turn").isEqualTo(3);

        assertThat(v.verify(AlphaPulseSchema.migrations().head()).findings()).as("data only, no schema change").isEmpty();
        assertThat(v.probe().failures()).isEmpty();
    }

    @Test
    @DisplayName("every NOT NULL column gets a value its type, length, precision, enum and CHECK allow, on a table no code knows")
    void typedColumns() {
        TestDatabases.migrate(TYPED, MigrationSets.fixture().head());
        TestDatabases.execute(TYPED, """
                CREATE TYPE mood AS ENUM ('calm', 'busy', 'closed');
                CREATE DOMAIN short_code AS varchar(4);
                CREATE TABLE orders (
                    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                    tenant_id   uuid NOT NULL REFERENCES tenants (id),
                    account_id  bigint NOT NULL REFERENCES accounts (id),
                    side        text NOT NULL CHECK (side IN ('buy', 'sell')),
                    kind        varchar(10) NOT NULL CHECK (kind = ANY (ARRAY['market', 'limit'])),
                    ref         varchar(8) NOT NULL,
                    code        short_code NOT NULL,
                    qty         numeric(5, 2) NOT NULL,
                    ratio       numeric(3, 3) NOT NULL,
                    confidence  float8 NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
                    lots        integer NOT NULL CHECK (lots > 0 AND lots < 10),
                    small       smallint NOT NULL,
                    big         bigint NOT NULL,
                    flag        boolean NOT NULL,
                    state       mood NOT NULL,
                    trade_date  date NOT NULL,
                    at_time     time NOT NULL,
                    placed_at   timestamptz NOT NULL DEFAULT now(),
                    ttl         interval NOT NULL,
                    payload     jsonb NOT NULL,
                    raw         bytea NOT NULL,
                    ip          inet NOT NULL,
                    tags        text[] NOT NULL,
                    note        text,
                    "owner's memo" text NOT NULL,
                    CONSTRAINT uq_orders_ref UNIQUE (ref)
                );
                """);
        FillResult r = Verifier.on(TYPED.dataSource(), MigrationSets.fixture()).fill(FillOptions.of(2, 150));

        assertThat(r.rows()).containsEntry("orders", 300L);
        assertThat(TestDatabases.count(TYPED, "SELECT count(DISTINCT side) FROM orders")).isEqualTo(2);
        assertThat(TestDatabases.count(TYPED, "SELECT count(DISTINCT state) FROM orders")).isEqualTo(3);
        assertThat(TestDatabases.count(TYPED, "SELECT count(DISTINCT ref) FROM orders")).as("unique varchar(8)").isEqualTo(300);
        assertThat(TestDatabases.count(TYPED, "SELECT count(*) FROM orders WHERE \"owner's memo\" LIKE 'owner''s memo%'"))
                .as("a quote in a column name stays inside its literal").isEqualTo(300);
        assertThat(TestDatabases.count(TYPED, "SELECT count(*) FROM orders WHERE note IS NULL")).as("nullable left empty")
                .isEqualTo(300);
        assertThat(TestDatabases.count(TYPED, "SELECT count(DISTINCT placed_at) FROM orders"))
                .as("a dated default is spread, not one now()").isGreaterThan(100);
        assertThat(TestDatabases.count(TYPED, "SELECT count(*) FROM orders o JOIN accounts a ON a.id = o.account_id "
                + "WHERE a.tenant_id <> o.tenant_id")).isZero();
    }

    @Test
    @DisplayName("a type no value can be generated for is refused with PRECONDITION_FAILED naming the column; nothing is inserted")
    void unsupportedType() {
        Database db = PostgresProvider.shared().createDatabase("fill_unsupported");
        try {
            TestDatabases.migrate(db, MigrationSets.fixture().head());
            TestDatabases.execute(db, "CREATE TABLE shapes (id bigserial PRIMARY KEY, tenant_id uuid NOT NULL "
                    + "REFERENCES tenants (id), outline polygon NOT NULL)");
            long before = TestDatabases.count(db, "SELECT count(*) FROM tenants");
            assertThatThrownBy(() -> Verifier.on(db.dataSource(), MigrationSets.fixture()).fill(FillOptions.of(1, 5)))
                    .isInstanceOfSatisfying(VerificationException.class,
                            e -> assertThat(e.code()).isEqualTo(VerificationException.Code.PRECONDITION_FAILED))
                    .hasMessageContaining("shapes.outline");
            assertThat(TestDatabases.count(db, "SELECT count(*) FROM tenants")).isEqualTo(before);
        } finally {
            PostgresProvider.shared().dropDatabase(db);
        }
    }
}
