package com.alphapulse.db.verification;

import com.alphapulse.db.testing.TestDatabases;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.migrations.SchemaVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.function.Consumer;
import org.jooq.tools.jdbc.SingleConnectionDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One database at the head; each test tampers with it inside a transaction, verifies through that very
 * transaction, and rolls back, so every test starts from the clean head.
 */
class VerifierTamperTest {

    static final Database DB = PostgresProvider.shared().createDatabase("verify_tamper");
    static final String APP_ROLE = "app_" + UUID.randomUUID().toString().substring(0, 8);
    static final SchemaVersion HEAD = AlphaPulseSchema.migrations().head();

    @BeforeAll
    static void migrate() {
        TestDatabases.migrate(DB, HEAD);
        TestDatabases.execute(DB, "CREATE ROLE " + APP_ROLE + " LOGIN NOBYPASSRLS;"
                + "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + APP_ROLE);
    }

    @AfterAll
    static void drop() {
        TestDatabases.execute(DB, "DROP OWNED BY " + APP_ROLE + "; DROP ROLE " + APP_ROLE);
        PostgresProvider.shared().dropDatabase(DB);
    }

    /** Runs {@code sql}, then {@code check} on a verifier that sees the uncommitted change, then rolls back. */
    private static void tampered(String sql, Consumer<Verifier> check) {
        try (Connection c = DB.connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(sql);
                check.accept(Verifier.on(new SingleConnectionDataSource(c)));
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The tenancy findings beyond the key warnings 009 ships itself (known in 009, covered by VerifierDataTest):
     * what each tampering adds.
     */
    private static java.util.List<Finding> unknown(TenancyResult r) {
        return r.findings().stream().filter(f -> !f.knownInVersion()).toList();
    }

    @Test
    @DisplayName("the untouched head has zero findings and keeps every tenancy rule for a plain application role (009's own keys aside, known warnings)")
    void cleanHead() {
        Verifier verifier = Verifier.on(DB.dataSource());
        assertThat(verifier.verify(HEAD).findings()).isEmpty();
        TenancyResult tenancy = verifier.checkTenancy(APP_ROLE);
        assertThat(tenancy.errors()).isEmpty();
        assertThat(tenancy.findings()).as("009's own single-column keys, known in 009 (VerifierDataTest)")
                .isNotEmpty().allMatch(Finding::knownInVersion);
        assertThat(tenancy.tenantTables()).containsExactlyInAnyOrderElementsOf(AlphaPulseSchema.TENANT_TABLES);
    }

    @Test
    @DisplayName("a dropped policy is one ERROR naming the policy, and a tenancy ERROR for the command left without a policy")
    void droppedPolicy() {
        tampered("DROP POLICY trades_tenant_isolation_delete ON trades", v -> {
            VerifyResult r = v.verify(HEAD);
            assertThat(r.findings()).extracting(Finding::severity, Finding::objectType, Finding::object, Finding::actual)
                    .containsExactly(tuple(Severity.ERROR, Finding.POLICY, "trades.trades_tenant_isolation_delete",
                            Finding.MISSING));
            assertThat(r.findings().get(0).expected()).contains("FOR DELETE", "USING", "tenant_id");
            assertThat(unknown(v.checkTenancy(APP_ROLE))).extracting(Finding::severity, Finding::object)
                    .containsExactly(tuple(Severity.ERROR, "trades.DELETE"));
        });
    }

    @Test
    @DisplayName("NO FORCE ROW LEVEL SECURITY on one table is one ERROR: forced expected, not forced found")
    void noForce() {
        tampered("ALTER TABLE positions NO FORCE ROW LEVEL SECURITY", v -> {
            assertThat(v.verify(HEAD).findings())
                    .extracting(Finding::severity, Finding::objectType, Finding::object, Finding::expected, Finding::actual)
                    .containsExactly(tuple(Severity.ERROR, Finding.FORCE_ROW_SECURITY, "positions", "forced", "not forced"));
            assertThat(unknown(v.checkTenancy(APP_ROLE))).extracting(Finding::objectType, Finding::object)
                    .containsExactly(tuple(Finding.FORCE_ROW_SECURITY, "positions"));
        });
    }

    @Test
    @DisplayName("disabled row-level security is one ERROR: enabled expected, disabled found")
    void disabledRls() {
        tampered("ALTER TABLE users DISABLE ROW LEVEL SECURITY", v -> {
            assertThat(v.verify(HEAD).findings())
                    .extracting(Finding::severity, Finding::objectType, Finding::object, Finding::expected, Finding::actual)
                    .containsExactly(tuple(Severity.ERROR, Finding.ROW_SECURITY, "users", "enabled", "disabled"));
            assertThat(unknown(v.checkTenancy(APP_ROLE))).extracting(Finding::objectType, Finding::object)
                    .containsExactly(tuple(Finding.ROW_SECURITY, "users"));
        });
    }

    @Test
    @DisplayName("a dropped composite index is one ERROR naming it and its expected definition")
    void droppedCompositeIndex() {
        tampered("DROP INDEX idx_risk_metrics_tenant_created_compound", v -> {
            VerifyResult r = v.verify(HEAD);
            assertThat(r.findings()).extracting(Finding::severity, Finding::objectType, Finding::object, Finding::actual)
                    .containsExactly(tuple(Severity.ERROR, Finding.INDEX,
                            "risk_metrics.idx_risk_metrics_tenant_created_compound", Finding.MISSING));
            assertThat(r.findings().get(0).expected()).isEqualTo("CREATE INDEX idx_risk_metrics_tenant_created_compound "
                    + "ON public.risk_metrics USING btree (tenant_id, calculated_at DESC)");
        });
    }

    @Test
    @DisplayName("an index rebuilt with its columns in another order is one ERROR with both definitions")
    void indexColumnOrder() {
        tampered("DROP INDEX idx_trades_tenant_created_compound;"
                + "CREATE INDEX idx_trades_tenant_created_compound ON trades (created_at DESC, tenant_id)", v -> {
            assertThat(v.verify(HEAD).findings())
                    .extracting(Finding::severity, Finding::objectType, Finding::object, Finding::expected, Finding::actual)
                    .containsExactly(tuple(Severity.ERROR, Finding.INDEX, "trades.idx_trades_tenant_created_compound",
                            "CREATE INDEX idx_trades_tenant_created_compound ON public.trades USING btree (tenant_id, created_at DESC)",
                            "CREATE INDEX idx_trades_tenant_created_compound ON public.trades USING btree (created_at DESC, tenant_id)"));
        });
    }

    @Test
    @DisplayName("an index recreated under another name is one ERROR naming both names")
    void renamedIndex() {
        tampered("ALTER INDEX idx_users_tenant_id_compound RENAME TO users_tenant_lookup", v -> {
            assertThat(v.verify(HEAD).findings())
                    .extracting(Finding::severity, Finding::object, Finding::expected, Finding::actual)
                    .containsExactly(tuple(Severity.ERROR, "users.idx_users_tenant_id_compound",
                            "idx_users_tenant_id_compound", "users_tenant_lookup"));
        });
    }

    @Test
    @DisplayName("an INVALID index (an interrupted CREATE INDEX CONCURRENTLY) is an ERROR")
    void invalidIndex() {
        tampered("UPDATE pg_index SET indisvalid = false "
                + "WHERE indexrelid = 'idx_audit_logs_tenant_id_compound'::regclass", v -> {
            VerifyResult r = v.verify(HEAD);
            assertThat(r.findings()).extracting(Finding::severity, Finding::object, Finding::expected, Finding::actual)
                    .containsExactly(tuple(Severity.ERROR, "audit_logs.idx_audit_logs_tenant_id_compound", "valid", "INVALID"));
            assertThat(r.clean()).isFalse();
        });
    }

    @Test
    @DisplayName("a stray column is one WARNING, and the database still counts as clean")
    void strayColumn() {
        tampered("ALTER TABLE agent_signals ADD COLUMN note text", v -> {
            VerifyResult r = v.verify(HEAD);
            assertThat(r.findings())
                    .extracting(Finding::severity, Finding::objectType, Finding::object, Finding::expected, Finding::actual)
                    .containsExactly(tuple(Severity.WARNING, Finding.COLUMN, "agent_signals.note", Finding.ABSENT, "text"));
            assertThat(r.clean()).isTrue();
            assertThat(r.exact()).isFalse();
            IdentifyResult id = v.identify();
            assertThat(id.match()).contains(HEAD);
            assertThat(id.exact()).isFalse();
            assertThat(id.warnings()).hasSize(1);
        });
    }

    @Test
    @DisplayName("a nullable tenant_id is one ERROR (NOT NULL expected, NULL found) and breaks the tenancy rule")
    void nullableTenantId() {
        tampered("ALTER TABLE portfolio_snapshots ALTER COLUMN tenant_id DROP NOT NULL", v -> {
            assertThat(v.verify(HEAD).findings())
                    .extracting(Finding::severity, Finding::objectType, Finding::object, Finding::expected, Finding::actual)
                    .containsExactly(tuple(Severity.ERROR, Finding.COLUMN, "portfolio_snapshots.tenant_id", "NOT NULL", "NULL"));
            assertThat(unknown(v.checkTenancy(APP_ROLE))).extracting(Finding::objectType, Finding::object)
                    .containsExactly(tuple(Finding.COLUMN, "portfolio_snapshots.tenant_id"));
        });
    }

    @Test
    @DisplayName("a dropped foreign key to tenants is one ERROR naming it, and breaks the tenancy rule")
    void droppedForeignKey() {
        tampered("ALTER TABLE trades DROP CONSTRAINT fk_trades_tenant", v -> {
            VerifyResult r = v.verify(HEAD);
            assertThat(r.findings()).extracting(Finding::severity, Finding::objectType, Finding::object, Finding::actual)
                    .containsExactly(tuple(Severity.ERROR, Finding.FOREIGN_KEY, "trades.fk_trades_tenant", Finding.MISSING));
            assertThat(r.findings().get(0).expected())
                    .isEqualTo("FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE CASCADE");
            assertThat(unknown(v.checkTenancy(APP_ROLE))).extracting(Finding::objectType, Finding::object)
                    .containsExactly(tuple(Finding.FOREIGN_KEY, "trades.tenant_id"));
        });
    }

    @Test
    @DisplayName("rls_bypass_role without BYPASSRLS is one ERROR with both attribute sets")
    void bypassRoleWithoutBypass() {
        tampered("ALTER ROLE rls_bypass_role NOBYPASSRLS", v -> {
            assertThat(v.verify(HEAD).findings())
                    .extracting(Finding::severity, Finding::object, Finding::expected, Finding::actual)
                    .containsExactly(tuple(Severity.ERROR, "rls_bypass_role",
                            "NOLOGIN BYPASSRLS NOSUPERUSER", "NOLOGIN NOBYPASSRLS NOSUPERUSER"));
        });
    }

    @Test
    @DisplayName("BYPASSRLS granted to the application role breaks the tenancy rules, naming the role")
    void bypassRlsOnApplicationRole() {
        tampered("ALTER ROLE " + APP_ROLE + " BYPASSRLS", v -> {
            assertThat(v.verify(HEAD).findings()).as("not part of the schema's expected state").isEmpty();
            assertThat(unknown(v.checkTenancy(APP_ROLE)))
                    .extracting(Finding::severity, Finding::objectType, Finding::object, Finding::expected, Finding::actual)
                    .containsExactly(tuple(Severity.ERROR, Finding.ROLE, APP_ROLE, "NOBYPASSRLS", "BYPASSRLS"));
        });
    }

    @Test
    @DisplayName("an application role that owns a tenant table, or is a member of a BYPASSRLS role, breaks the tenancy rules")
    void applicationRoleOwnerOrMember() {
        tampered("ALTER TABLE audit_logs OWNER TO " + APP_ROLE + "; GRANT rls_bypass_role TO " + APP_ROLE, v -> {
            assertThat(unknown(v.checkTenancy(APP_ROLE))).extracting(Finding::severity, Finding::actual)
                    .containsExactlyInAnyOrder(tuple(Severity.ERROR, "owner"),
                            tuple(Severity.ERROR, "member of rls_bypass_role"));
        });
    }

    @Test
    @DisplayName("the migration's superuser as application role breaks the tenancy rules")
    void superuserAsApplicationRole() {
        TenancyResult r = Verifier.on(DB.dataSource()).checkTenancy(DB.adminUser());
        assertThat(r.clean()).isFalse();
        assertThat(r.findings()).extracting(Finding::expected).contains("NOSUPERUSER");
        assertThat(unknown(Verifier.on(DB.dataSource()).checkTenancy("no_such_role_" + APP_ROLE)))
                .extracting(Finding::actual).containsExactly(Finding.MISSING);
    }

    @Test
    @DisplayName("a policy whose USING is true differs (ERROR with both expressions) and breaks the tenancy rule")
    void policyUsingTrue() {
        tampered("ALTER POLICY users_tenant_isolation_select ON users USING (true)", v -> {
            VerifyResult r = v.verify(HEAD);
            assertThat(r.findings()).extracting(Finding::severity, Finding::object, Finding::expected, Finding::actual)
                    .containsExactly(tuple(Severity.ERROR, "users.users_tenant_isolation_select",
                            "USING (tenant_id = ( SELECT alphapulse_current_tenant() AS alphapulse_current_tenant))",
                            "USING true"));
            assertThat(unknown(v.checkTenancy(APP_ROLE))).extracting(Finding::object)
                    .containsExactly("users.users_tenant_isolation_select");
        });
    }

    @Test
    @DisplayName("four per-command policies replaced by one FOR ALL policy keep the tenancy rules but differ from the version")
    void forAllPolicy() {
        tampered("DROP POLICY agent_signals_tenant_isolation_select ON agent_signals;"
                + "DROP POLICY agent_signals_tenant_isolation_insert ON agent_signals;"
                + "DROP POLICY agent_signals_tenant_isolation_update ON agent_signals;"
                + "DROP POLICY agent_signals_tenant_isolation_delete ON agent_signals;"
                + "CREATE POLICY agent_signals_all ON agent_signals "
                + "USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid)", v -> {
            assertThat(unknown(v.checkTenancy(APP_ROLE))).isEmpty();
            assertThat(v.verify(HEAD).findings()).extracting(Finding::severity, Finding::object)
                    .containsExactly(
                            tuple(Severity.ERROR, "agent_signals.agent_signals_tenant_isolation_delete"),
                            tuple(Severity.ERROR, "agent_signals.agent_signals_tenant_isolation_insert"),
                            tuple(Severity.ERROR, "agent_signals.agent_signals_tenant_isolation_select"),
                            tuple(Severity.ERROR, "agent_signals.agent_signals_tenant_isolation_update"),
                            tuple(Severity.WARNING, "agent_signals.agent_signals_all"));
        });
    }

    @Test
    @DisplayName("an extra table is one WARNING, its own columns and indexes folded into it")
    void extraTable() {
        tampered("CREATE TABLE scratch (id int PRIMARY KEY, note text)", v -> {
            assertThat(v.verify(HEAD).findings()).extracting(Finding::severity, Finding::objectType, Finding::object)
                    .containsExactly(tuple(Severity.WARNING, Finding.TABLE, "scratch"));
        });
    }

    @Test
    @DisplayName("a missing table is one ERROR that lists the columns the version's jOOQ type declares")
    void missingTable() {
        tampered("DROP TABLE exchange_prices", v -> {
            VerifyResult r = v.verify(HEAD);
            assertThat(r.findings()).extracting(Finding::severity, Finding::objectType, Finding::object)
                    .containsExactly(tuple(Severity.ERROR, Finding.TABLE, "exchange_prices"));
            assertThat(r.findings().get(0).message()).contains("base_currency", "quote_currency");
        });
    }

    @Test
    @DisplayName("an extra permissive policy USING (true) on an RLS table is an ERROR (policies are OR-ed); an extra restrictive one stays a WARNING")
    void extraPermissivePolicy() {
        tampered("CREATE POLICY open_door ON trades USING (true);"
                + "CREATE POLICY only_recent ON trades AS RESTRICTIVE USING (true)", v -> {
            VerifyResult r = v.verify(HEAD);
            assertThat(r.findings()).extracting(Finding::severity, Finding::objectType, Finding::object, Finding::expected)
                    .containsExactly(tuple(Severity.ERROR, Finding.POLICY, "trades.open_door", Finding.ABSENT),
                            tuple(Severity.WARNING, Finding.POLICY, "trades.only_recent", Finding.ABSENT));
            assertThat(r.clean()).isFalse();
            assertThat(r.findings().get(0).message()).contains("OR-ed");
            assertThat(v.identify().match()).as("a version match needs no ERROR").isEmpty();
        });
    }

    @Test
    @DisplayName("an extra permissive INSERT policy whose WITH CHECK only tests tenant_id IS NOT NULL is an ERROR")
    void extraPermissiveInsertPolicy() {
        tampered("CREATE POLICY any_tenant ON positions FOR INSERT WITH CHECK (tenant_id IS NOT NULL)", v -> {
            assertThat(v.verify(HEAD).findings()).extracting(Finding::severity, Finding::object)
                    .containsExactly(tuple(Severity.ERROR, "positions.any_tenant"));
            assertThat(unknown(v.checkTenancy(APP_ROLE))).extracting(Finding::severity, Finding::object)
                    .containsExactly(tuple(Severity.ERROR, "positions.any_tenant"));
        });
    }

    @Test
    @DisplayName("a policy USING (tenant_id IS NOT NULL) mentions tenant_id but compares it with nothing: a tenancy ERROR")
    void policyTenantIdIsNotNull() {
        tampered("ALTER POLICY trades_tenant_isolation_select ON trades USING (tenant_id IS NOT NULL)", v -> {
            assertThat(unknown(v.checkTenancy(APP_ROLE)))
                    .extracting(Finding::severity, Finding::objectType, Finding::object)
                    .containsExactly(tuple(Severity.ERROR, Finding.POLICY, "trades.trades_tenant_isolation_select"));
        });
    }

    @Test
    @DisplayName("a policy USING (tenant_id = current tenant OR true) has the comparison under a top-level OR: a tenancy ERROR")
    void policyTenantComparisonOrTrue() {
        tampered("ALTER POLICY risk_metrics_tenant_isolation_delete ON risk_metrics "
                + "USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid OR true)", v -> {
            assertThat(unknown(v.checkTenancy(APP_ROLE)))
                    .extracting(Finding::severity, Finding::objectType, Finding::object)
                    .containsExactly(tuple(Severity.ERROR, Finding.POLICY,
                            "risk_metrics.risk_metrics_tenant_isolation_delete"));
        });
    }

    @Test
    @DisplayName("a policy that ANDs the tenant comparison with another condition still keeps the tenancy rule")
    void policyTenantComparisonAndMore() {
        tampered("ALTER POLICY risk_metrics_tenant_isolation_select ON risk_metrics "
                + "USING (var_95 >= 0 AND current_setting('app.current_tenant_id', true)::uuid = tenant_id)", v -> {
            assertThat(unknown(v.checkTenancy(APP_ROLE))).isEmpty();
        });
    }

    @Test
    @DisplayName("a tenant table that lost tenant_id (DROP COLUMN ... CASCADE) stays subject to the tenancy rules: the missing column is an ERROR")
    void droppedTenantColumn() {
        tampered("ALTER TABLE trades DROP COLUMN tenant_id CASCADE", v -> {
            TenancyResult r = v.checkTenancy(APP_ROLE);
            assertThat(r.tenantTables()).containsExactlyInAnyOrderElementsOf(AlphaPulseSchema.TENANT_TABLES);
            assertThat(r.findings()).extracting(Finding::severity, Finding::objectType, Finding::object, Finding::actual)
                    .contains(tuple(Severity.ERROR, Finding.COLUMN, "trades.tenant_id", Finding.MISSING));
            assertThat(r.errors()).extracting(Finding::object).as("the dropped policies are reported too")
                    .contains("trades.SELECT", "trades.INSERT", "trades.UPDATE", "trades.DELETE");
        });
    }

    /** Drops every index of {@code table} whose first key column is tenant_id. */
    private static String dropTenantIndexes(String table) {
        return "DO $$ DECLARE i regclass; BEGIN FOR i IN SELECT indexrelid::regclass FROM pg_index "
                + "WHERE indrelid = 'public." + table + "'::regclass AND indkey[0] = (SELECT attnum FROM pg_attribute "
                + "WHERE attrelid = 'public." + table + "'::regclass AND attname = 'tenant_id') LOOP "
                + "EXECUTE 'DROP INDEX ' || i; END LOOP; END $$;";
    }

    @Test
    @DisplayName("an expression index whose first key is (tenant_id::text) does not count as an index leading with tenant_id")
    void expressionIndexIsNotTenantIndex() {
        tampered(dropTenantIndexes("agent_signals")
                + "CREATE INDEX fake_tenant ON agent_signals ((tenant_id::text), tenant_id)", v -> {
            assertThat(unknown(v.checkTenancy(APP_ROLE)))
                    .extracting(Finding::severity, Finding::objectType, Finding::object)
                    .containsExactly(tuple(Severity.ERROR, Finding.INDEX, "agent_signals.tenant_id"));
        });
    }

    @Test
    @DisplayName("a partial index on tenant_id does not count as an index leading with tenant_id")
    void partialIndexIsNotTenantIndex() {
        tampered(dropTenantIndexes("agent_signals")
                + "CREATE INDEX fake_tenant ON agent_signals (tenant_id) WHERE confidence > 0.99", v -> {
            assertThat(unknown(v.checkTenancy(APP_ROLE)))
                    .extracting(Finding::severity, Finding::objectType, Finding::object)
                    .containsExactly(tuple(Severity.ERROR, Finding.INDEX, "agent_signals.tenant_id"));
        });
    }

    @Test
    @DisplayName("a plain index on tenant_id alone keeps the index rule")
    void plainTenantIndexSuffices() {
        tampered(dropTenantIndexes("agent_signals") + "CREATE INDEX plain_tenant ON agent_signals (tenant_id)", v -> {
            assertThat(unknown(v.checkTenancy(APP_ROLE))).isEmpty();
        });
    }
}
