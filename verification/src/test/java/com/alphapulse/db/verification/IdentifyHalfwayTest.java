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
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.groups.Tuple;
import org.jooq.tools.jdbc.SingleConnectionDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Databases where a migration stopped halfway: identify must name the nearest version and the exact gap. */
class IdentifyHalfwayTest {

    static final Database AT_007 = PostgresProvider.shared().createDatabase("identify_007");
    static final Database AT_008 = PostgresProvider.shared().createDatabase("identify_008");
    static final SchemaVersion V007 = AlphaPulseSchema.migrations().version("7");
    static final SchemaVersion V008 = AlphaPulseSchema.migrations().version("8");
    static final SchemaVersion V009 = AlphaPulseSchema.migrations().version("9");

    @BeforeAll
    static void migrate() {
        TestDatabases.migrate(AT_007, V007);
        TestDatabases.migrate(AT_008, V008);
    }

    @AfterAll
    static void drop() {
        PostgresProvider.shared().dropDatabase(AT_007);
        PostgresProvider.shared().dropDatabase(AT_008);
    }

    private static void inTransaction(Database db, List<String> statements, Consumer<Verifier> check) {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String sql : statements) {
                    s.execute(sql);
                }
                check.accept(Verifier.on(new SingleConnectionDataSource(c)));
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code id} with a zero duration, to compare two identifications of the same catalog. */
    static IdentifyResult withoutDuration(IdentifyResult id) {
        return new IdentifyResult(id.match(), id.nearest(), id.emptyDatabase(), id.findings(), id.distances(), id.partial(),
                java.time.Duration.ZERO);
    }

    /** The part of V008 for one table: from its "-- table" comment to the next blank line before a comment. */
    private static String v008Section(String table) {
        Matcher m = Pattern.compile("(?s)\\n-- " + table + "\\n(.*?)\\n\\n").matcher(V008.migrationSql());
        assertThat(m.find()).as("V008 has a section for %s", table).isTrue();
        return m.group(1);
    }

    @Test
    @DisplayName("008 applied to five of eight tables: nearest is 008, no match, and the findings are exactly the other three tables' RLS flags and 12 policies")
    void v008Halfway() {
        List<String> statements = new ArrayList<>();
        for (String table : List.of("users", "trading_accounts", "trades", "positions", "portfolio_snapshots")) {
            statements.add(v008Section(table));
        }
        // The role is cluster-wide and may exist already; make it exist either way, as V008 would.
        statements.add("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rls_bypass_role') THEN "
                + "CREATE ROLE rls_bypass_role NOLOGIN BYPASSRLS; END IF; END $$");
        inTransaction(AT_007, statements, v -> {
            IdentifyResult id = v.identify();
            assertThat(id.emptyDatabase()).isFalse();
            assertThat(id.nearest()).contains(V008);
            assertThat(id.match()).isEmpty();
            assertThat(id.distances()).containsEntry(V007, 30).containsEntry(V008, 18);

            List<Tuple> expected = new ArrayList<>();
            for (String table : List.of("agent_signals", "audit_logs", "risk_metrics")) {
                for (String command : List.of("delete", "insert", "select", "update")) {
                    expected.add(tuple(Severity.ERROR, Finding.POLICY, table + "." + table + "_tenant_isolation_" + command));
                }
                expected.add(tuple(Severity.ERROR, Finding.FORCE_ROW_SECURITY, table));
                expected.add(tuple(Severity.ERROR, Finding.ROW_SECURITY, table));
            }
            assertThat(id.findings()).extracting(Finding::severity, Finding::objectType, Finding::object)
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(id.findings()).hasSize(18);
            assertThat(id.findings()).filteredOn(f -> f.objectType().equals(Finding.ROW_SECURITY))
                    .extracting(Finding::expected, Finding::actual).containsOnly(tuple("enabled", "disabled"));

            assertThat(v.verify(V007).findings()).hasSize(30);
            assertThat(withoutDuration(v.identify(V007))).as("007 recorded, the catalog half-way to 008: the full comparison")
                    .isEqualTo(withoutDuration(id));
        });
    }

    @Test
    @DisplayName("008 applied to only one table: nearest is 007, with that table's RLS flags and four extra policies")
    void v008BarelyStarted() {
        inTransaction(AT_007, List.of(v008Section("users")), v -> {
            IdentifyResult id = v.identify();
            assertThat(id.nearest()).contains(V007);
            assertThat(id.match()).isEmpty();
            assertThat(id.findings()).extracting(Finding::severity, Finding::objectType, Finding::object)
                    .containsExactlyInAnyOrder(
                            tuple(Severity.ERROR, Finding.ROW_SECURITY, "users"),
                            tuple(Severity.ERROR, Finding.FORCE_ROW_SECURITY, "users"),
                            tuple(Severity.WARNING, Finding.POLICY, "users.users_tenant_isolation_select"),
                            tuple(Severity.WARNING, Finding.POLICY, "users.users_tenant_isolation_insert"),
                            tuple(Severity.WARNING, Finding.POLICY, "users.users_tenant_isolation_update"),
                            tuple(Severity.WARNING, Finding.POLICY, "users.users_tenant_isolation_delete"));
            assertThat(id.findings()).filteredOn(f -> f.objectType().equals(Finding.ROW_SECURITY))
                    .extracting(Finding::expected, Finding::actual).containsExactly(tuple("disabled", "enabled"));
            assertThat(withoutDuration(v.identify(V007))).as("007 recorded, with errors and extra policies against it: "
                    + "the full comparison").isEqualTo(withoutDuration(id));
        });
    }

    @Test
    @DisplayName("009 interrupted after 12 of 16 indexes, one of them INVALID: nearest is 009 with exactly the 4 missing and the invalid index")
    void v009Interrupted() {
        List<String> creates = new ArrayList<>();
        Matcher m = Pattern.compile("(?s)CREATE INDEX CONCURRENTLY (\\w+)\\s+ON ([^;]+);").matcher(V009.migrationSql());
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
            creates.add("CREATE INDEX " + m.group(1) + " ON " + m.group(2));
        }
        assertThat(names).hasSize(16);
        List<String> statements = new ArrayList<>(creates.subList(0, 12));
        statements.add("UPDATE pg_index SET indisvalid = false WHERE indexrelid = '" + names.get(11) + "'::regclass");
        inTransaction(AT_008, statements, v -> {
            IdentifyResult id = v.identify();
            assertThat(id.nearest()).contains(V009);
            assertThat(id.match()).isEmpty();
            assertThat(id.distances()).containsEntry(V008, 12).containsEntry(V009, 5);
            assertThat(withoutDuration(v.identify(V008))).isEqualTo(withoutDuration(id));
            assertThat(id.partial()).as("008 is all there, 009 in part").hasValueSatisfying(p -> {
                assertThat(p.version()).isEqualTo(V009);
                assertThat(p.present()).isEqualTo(12);
            });
            List<Tuple> expected = new ArrayList<>();
            for (String missing : names.subList(12, 16)) {
                expected.add(tuple(Severity.ERROR, missing, Finding.MISSING));
            }
            expected.add(tuple(Severity.ERROR, names.get(11), "INVALID"));
            assertThat(id.findings()).extracting(Finding::severity, f -> f.object().substring(f.object().indexOf('.') + 1),
                    Finding::actual).containsExactlyInAnyOrderElementsOf(expected);
        });
    }
}
