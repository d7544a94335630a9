package com.alphapulse.db.verification;

import com.alphapulse.db.testing.RecordingDataSource;
import com.alphapulse.db.testing.TestDatabases;
import com.alphapulse.db.testing.AlphaPulseRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.schema.AlphaPulseSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class IsolationProbeTest {

    /** The expression every policy has at the head version (011), what a tampered policy is put back to. */
    private static final String HEAD_EXPRESSION = "(tenant_id = (SELECT alphapulse_current_tenant()))";

    static final Database DB = PostgresProvider.shared().createDatabase("probe");
    static final List<String> COMMANDS = List.of("SELECT", "INSERT", "UPDATE", "DELETE");

    private Map<String, Long> rowsBefore;

    @BeforeAll
    static void migrate() {
        TestDatabases.migrate(DB, AlphaPulseSchema.migrations().head());
        AlphaPulseRows.load(DB, 2, 40);
    }

    @AfterAll
    static void drop() {
        PostgresProvider.shared().dropDatabase(DB);
    }

    @BeforeEach
    void countRows() {
        rowsBefore = rowCounts();
    }

    @AfterEach
    void probeLeftNothingBehind() {
        assertThat(TestDatabases.count(DB, "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'alphapulse_probe_%'"))
                .as("temporary probe roles left").isZero();
        assertThat(rowCounts()).as("rows per table after the probe").isEqualTo(rowsBefore);
    }

    private static Map<String, Long> rowCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("tenants", TestDatabases.count(DB, "SELECT count(*) FROM tenants"));
        for (String t : AlphaPulseSchema.TENANT_TABLES) {
            counts.put(t, TestDatabases.count(DB, "SELECT count(*) FROM " + t));
        }
        return counts;
    }

    @Test
    @DisplayName("on the clean head every one of the 120 checks passes: 8 tables x 4 commands x their cases, as a temporary NOLOGIN role, the no-tenant checks with the setting never set and emptied")
    void cleanHeadPasses() {
        ProbeResult r = Verifier.on(DB.dataSource()).probe();
        assertThat(r.failures()).isEmpty();
        assertThat(r.passed()).isTrue();
        assertThat(r.provisionedRole()).as("a superuser creates its own temporary role").isFalse();
        assertThat(r.neverSetTenant()).as("the first no-tenant checks ran before the setting was ever set").isTrue();
        assertThat(r.role()).startsWith("alphapulse_probe_");
        assertThat(r.tenantA()).isNotEqualTo(r.tenantB());
        assertThat(r.checks()).hasSize(120);
        assertThat(r.checks()).extracting(ProbeCheck::name).doesNotHaveDuplicates();
        for (String table : AlphaPulseSchema.TENANT_TABLES) {
            assertThat(r.checks()).filteredOn(c -> c.table().equals(table)).extracting(ProbeCheck::command)
                    .containsAll(COMMANDS);
        }
        assertThat(r.checks()).filteredOn(c -> c.scenario().equals(ProbeCheck.OTHER_INSERT_REJECTED))
                .allSatisfy(c -> assertThat(c.detail()).contains("42501"));
    }

    @Test
    @DisplayName("the superuser's probe creates exactly one role, NOLOGIN NOINHERIT NOBYPASSRLS, without password; no statement sent carries a password")
    void noPasswordNoLogin() {
        RecordingDataSource recorded = new RecordingDataSource(DB.dataSource());
        ProbeResult r = Verifier.on(recorded).probe();

        assertThat(r.failures()).isEmpty();
        // Comments stripped: the catalog queries explain themselves with words like "CREATE ROLE".
        List<String> sent = recorded.statements().stream()
                .map(sql -> sql.replaceAll("--[^\\n]*", "").toUpperCase(java.util.Locale.ROOT)).toList();
        assertThat(sent).as("a password literal").noneMatch(sql -> sql.matches("(?s).*PASSWORD\\s*'.*"));
        assertThat(sent).as("statements that create or alter a role")
                .filteredOn(sql -> sql.matches("(?s).*\\b(CREATE|ALTER) (ROLE|USER)\\b.*")).singleElement().asString()
                .startsWith("CREATE ROLE")
                .contains("NOLOGIN", "NOBYPASSRLS", "NOINHERIT", r.role().toUpperCase(java.util.Locale.ROOT))
                .doesNotContain("PASSWORD")
                .doesNotContainPattern("(?<!NO)LOGIN");
    }

    /** Every tenant-isolation policy of 008 rewritten with {@code predicate} in place of its tenant comparison. */
    private static void policies(String predicate) {
        StringBuilder sql = new StringBuilder();
        for (String t : AlphaPulseSchema.TENANT_TABLES) {
            sql.append("ALTER POLICY ").append(t).append("_tenant_isolation_select ON ").append(t)
                    .append(" USING (").append(predicate).append(");\n")
                    .append("ALTER POLICY ").append(t).append("_tenant_isolation_insert ON ").append(t)
                    .append(" WITH CHECK (").append(predicate).append(");\n")
                    .append("ALTER POLICY ").append(t).append("_tenant_isolation_update ON ").append(t)
                    .append(" USING (").append(predicate).append(") WITH CHECK (").append(predicate).append(");\n")
                    .append("ALTER POLICY ").append(t).append("_tenant_isolation_delete ON ").append(t)
                    .append(" USING (").append(predicate).append(");\n");
        }
        TestDatabases.execute(DB, sql.toString());
    }

    @Test
    @DisplayName("at head (011) no tenant in scope raises SQLSTATE AP001, and every check counts it as a refusal")
    void noTenantInScopeErrorIsARefusal() {
        ProbeResult r = Verifier.on(DB.dataSource()).probe();

        assertThat(r.failures()).isEmpty();
        assertThat(r.checks()).filteredOn(c -> c.scenario().equals(ProbeCheck.NO_TENANT_SEES_NOTHING)
                || c.scenario().equals(ProbeCheck.EMPTY_TENANT_SEES_NOTHING)).hasSize(16)
                .allSatisfy(c -> assertThat(c.detail()).contains("rejected, SQLSTATE AP001", "no tenant in scope"));
    }

    @Test
    @DisplayName("with 008's policies (as after undoing 011: no tenant reads NULL or fails 22P02) every check passes too")
    void policiesOf008PassToo() {
        policies("tenant_id = current_setting('app.current_tenant_id', true)::uuid");
        try {
            assertThat(Verifier.on(DB.dataSource()).probe().failures()).isEmpty();
        } finally {
            policies(HEAD_EXPRESSION.substring(1, HEAD_EXPRESSION.length() - 1));
        }
        assertThat(Verifier.on(DB.dataSource()).verify(AlphaPulseSchema.migrations().head()).findings()).isEmpty();
    }

    @Test
    @DisplayName("a SELECT policy whose USING is replaced by true fails exactly that table's four SELECT checks")
    void selectPolicyUsingTrueFails() {
        TestDatabases.execute(DB, "ALTER POLICY trades_tenant_isolation_select ON trades USING (true)");
        try {
            ProbeResult r = Verifier.on(DB.dataSource()).probe();
            assertThat(r.passed()).isFalse();
            assertThat(r.failures()).extracting(ProbeCheck::table, ProbeCheck::command, ProbeCheck::scenario)
                    .containsExactlyInAnyOrder(
                            tuple("trades", "SELECT", ProbeCheck.OWN_ROWS_ONLY),
                            tuple("trades", "SELECT", ProbeCheck.OTHER_TENANT_INVISIBLE),
                            tuple("trades", "SELECT", ProbeCheck.NO_TENANT_SEES_NOTHING),
                            tuple("trades", "SELECT", ProbeCheck.EMPTY_TENANT_SEES_NOTHING));
        } finally {
            TestDatabases.execute(DB, "ALTER POLICY trades_tenant_isolation_select ON trades "
                    + "USING " + HEAD_EXPRESSION);
        }
        assertThat(Verifier.on(DB.dataSource()).verify(AlphaPulseSchema.migrations().head()).findings()).isEmpty();
    }

    @Test
    @DisplayName("an UPDATE policy whose USING is true is caught even though the SELECT policy is intact")
    void updatePolicyUsingTrueFails() {
        TestDatabases.execute(DB, "ALTER POLICY positions_tenant_isolation_update ON positions USING (true)");
        try {
            ProbeResult r = Verifier.on(DB.dataSource()).probe();
            assertThat(r.failures()).extracting(ProbeCheck::table, ProbeCheck::command, ProbeCheck::scenario)
                    .containsExactlyInAnyOrder(
                            // with no tenant set, WITH CHECK's alphapulse_current_tenant() refuses the write (AP001, 011):
                            // nothing is touched, so only tenant A's UPDATE reaching other rows shows the broken USING
                            tuple("positions", "UPDATE", ProbeCheck.OWN_ROWS_ONLY));
        } finally {
            TestDatabases.execute(DB, "ALTER POLICY positions_tenant_isolation_update ON positions "
                    + "USING " + HEAD_EXPRESSION);
        }
    }

    @Test
    @DisplayName("an INSERT policy whose WITH CHECK is true lets tenant A insert into B, and only that check fails")
    void insertPolicyCheckTrueFails() {
        TestDatabases.execute(DB, "ALTER POLICY audit_logs_tenant_isolation_insert ON audit_logs WITH CHECK (true)");
        try {
            ProbeResult r = Verifier.on(DB.dataSource()).probe();
            assertThat(r.failures()).extracting(ProbeCheck::table, ProbeCheck::command, ProbeCheck::scenario)
                    .containsExactlyInAnyOrder(
                            tuple("audit_logs", "INSERT", ProbeCheck.OTHER_INSERT_REJECTED),
                            tuple("audit_logs", "INSERT", ProbeCheck.NO_TENANT_INSERT_REJECTED),
                            tuple("audit_logs", "INSERT", ProbeCheck.EMPTY_TENANT_INSERT_REJECTED));
        } finally {
            TestDatabases.execute(DB, "ALTER POLICY audit_logs_tenant_isolation_insert ON audit_logs "
                    + "WITH CHECK " + HEAD_EXPRESSION);
        }
    }

    @Test
    @DisplayName("with row-level security disabled on a table, all fourteen isolation checks of that table fail (only its own insert still passes)")
    void disabledRlsFails() {
        TestDatabases.execute(DB, "ALTER TABLE risk_metrics DISABLE ROW LEVEL SECURITY");
        try {
            ProbeResult r = Verifier.on(DB.dataSource()).probe();
            List<ProbeCheck> riskMetrics = r.checks().stream().filter(c -> c.table().equals("risk_metrics")).toList();
            assertThat(r.failures()).containsExactlyInAnyOrderElementsOf(riskMetrics.stream()
                    .filter(c -> !c.scenario().equals(ProbeCheck.OWN_INSERT_ALLOWED)).toList());
            assertThat(r.failures()).hasSize(14);
        } finally {
            TestDatabases.execute(DB, "ALTER TABLE risk_metrics ENABLE ROW LEVEL SECURITY");
        }
    }

    @Test
    @DisplayName("when the probe's rows cannot be inserted it fails with PROBE_SETUP_FAILED and still removes its role and rows")
    void setupFailureCleansUp() {
        // NOT VALID: the rows already there are not checked, every new one fails.
        TestDatabases.execute(DB, "ALTER TABLE agent_signals ADD CONSTRAINT no_probe CHECK (false) NOT VALID");
        try {
            assertThatThrownBy(() -> Verifier.on(DB.dataSource()).probe())
                    .isInstanceOfSatisfying(VerificationException.class,
                            e -> assertThat(e.code()).isEqualTo(VerificationException.Code.PROBE_SETUP_FAILED))
                    .hasMessageContaining("no_probe");
        } finally {
            TestDatabases.execute(DB, "ALTER TABLE agent_signals DROP CONSTRAINT no_probe");
        }
    }

    @Test
    @DisplayName("before 007 (no tenant_id) the probe refuses with PRECONDITION_FAILED naming what is missing")
    void refusesBefore007() {
        Database old = PostgresProvider.shared().createDatabase("probe_006");
        try {
            TestDatabases.migrate(old, AlphaPulseSchema.migrations().version("6"));
            assertThatThrownBy(() -> Verifier.on(old.dataSource()).probe())
                    .isInstanceOfSatisfying(VerificationException.class,
                            e -> assertThat(e.code()).isEqualTo(VerificationException.Code.PRECONDITION_FAILED))
                    .hasMessageContaining("trades.tenant_id");
        } finally {
            PostgresProvider.shared().dropDatabase(old);
        }
    }
}
