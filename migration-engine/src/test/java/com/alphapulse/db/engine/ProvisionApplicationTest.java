package com.alphapulse.db.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.alphapulse.db.testing.AlphaPulseRows;
import com.alphapulse.db.testing.OwnerDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link MigrationEngine#provisionApplication}, as production runs it: by the migration role (owner of the tables,
 * neither superuser nor BYPASSRLS) after the first upgrade. Proves, as the application login role itself, that the
 * grants are exactly what a service needs: its tenant's rows inside a scope, nothing of Flyway's history or the
 * engine's schema, no TRUNCATE, no DELETE on tenants, and a table a later version creates without another
 * provision; that the roles which would defeat row-level security are refused with nothing changed; and that a
 * second run changes nothing.
 */
class ProvisionApplicationTest {

    private static final UUID A = UUID.fromString("aaaaaaaa-0000-4000-8000-0000000000a1");
    private static final UUID B = UUID.fromString("bbbbbbbb-0000-4000-8000-0000000000b1");

    private static OwnerDatabase owner;
    private static String app;
    private static final String PASSWORD = UUID.randomUUID().toString();
    private static ProvisionResult first;

    private static MigrationEngine engine(DataSource ds) {
        return MigrationEngine.configure().dataSource(ds).reason(Fixtures.REASON).lockTimeout(Duration.ofSeconds(2))
                .retryBackoff(Duration.ofMillis(100)).load();
    }

    private static String role(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    @BeforeAll
    static void provisioned() {
        owner = OwnerDatabase.create("prov_app");
        engine(owner.db().dataSource()).provision(owner.role(), true);
        engine(owner.dataSource()).upgrade("head");
        AlphaPulseRows.loadTenant(owner.asOwner(), A, "pa", 2);
        AlphaPulseRows.loadTenant(owner.asOwner(), B, "pb", 3);
        app = role("svc_app");
        // The DBA creates the login role and sets its password; provision never does.
        owner.asAdmin("CREATE ROLE " + app + " LOGIN PASSWORD '" + PASSWORD + "'");
        first = engine(owner.dataSource()).provisionApplication(app);
    }

    @AfterAll
    static void dropRoles() {
        Fixtures.dropRole(owner.db(), app);
    }

    private static DataSource asApp() {
        return owner.db().dataSource(app, PASSWORD);
    }

    /** Runs {@code sql} as the application role inside {@code tenant}'s scope; returns the first column of the first row, or the update count. */
    private static long inScope(UUID tenant, String sql) throws SQLException {
        try (Connection c = asApp().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("SELECT set_config('app.current_tenant_id', ?, true)")) {
                ps.setString(1, tenant.toString());
                ps.executeQuery().close();
            }
            try (Statement s = c.createStatement()) {
                long n;
                if (s.execute(sql)) {
                    try (ResultSet rs = s.getResultSet()) {
                        rs.next();
                        n = rs.getLong(1);
                    }
                } else {
                    n = s.getUpdateCount();
                }
                c.commit();
                return n;
            }
        }
    }

    private static String sqlState(UUID tenant, String sql) {
        return catchThrowableOfType(SQLException.class, () -> inScope(tenant, sql)).getSQLState();
    }

    @Test
    void theOwnerGrantsExactlyWhatAServiceNeedsJournaledWithoutAPassword() {
        assertThat(first.role()).isEqualTo(app);
        assertThat(first.kind()).isEqualTo(ProvisionResult.Kind.APPLICATION);
        assertThat(first.changed()).isTrue();
        assertThat(first.actions()).filteredOn(ProvisionResult.Action::done).extracting(ProvisionResult.Action::what)
                .contains("CONNECT on database " + owner.db().name(), "USAGE on schema public",
                        "SELECT, INSERT, UPDATE, DELETE on public.trades",
                        "SELECT, INSERT, UPDATE, DELETE on the tables " + owner.role() + " creates in public later (default privileges)",
                        "USAGE, SELECT on the sequences " + owner.role() + " creates in public later (default privileges)")
                .anyMatch(w -> w.startsWith("SELECT, INSERT, UPDATE on public.tenants (no DELETE"))
                .anyMatch(w -> w.startsWith("USAGE, SELECT on sequence public.trades_id_seq"))
                .noneMatch(w -> w.contains("flyway_schema_history") || w.contains("alphapulse_migration"));
        assertThat(first.actions()).extracting(ProvisionResult.Action::what)
                .anyMatch(w -> w.startsWith("EXECUTE on public.alphapulse_current_tenant()"));
        assertThat(first.actions()).extracting(ProvisionResult.Action::sql)
                .noneMatch(s -> s.toUpperCase().contains("PASSWORD") || s.contains("TRUNCATE") || s.contains("REFERENCES"));
        assertThat(Fixtures.count(owner.db(), "SELECT count(*) FROM alphapulse_migration.journal WHERE direction = 'PROVISION' "
                + "AND db_user = '" + owner.role() + "' AND message LIKE 'provisioned application role " + app + ": CONNECT on database%'"))
                .as("journaled as the migration role").isEqualTo(1);
        assertThat(Fixtures.text(owner.db(), "SELECT rolsuper || ',' || rolbypassrls FROM pg_roles WHERE rolname = '" + app + "'"))
                .isEqualTo("false,false");
    }

    @Test
    void theApplicationRoleReadsAndWritesItsTenantsRowsOnly() throws SQLException {
        assertThat(inScope(A, "SELECT count(*) FROM trades")).isEqualTo(2);
        assertThat(inScope(B, "SELECT count(*) FROM trades")).isEqualTo(3);
        assertThat(inScope(A, "SELECT count(*) FROM trades WHERE tenant_id = '" + B + "'")).isZero();
        assertThat(inScope(A, "INSERT INTO agent_signals (agent_type, symbol, signal, confidence) "
                + "VALUES ('momentum', 'NEWUSDT', 'buy', 0.4)")).as("tenant_id from the scope's default").isEqualTo(1);
        assertThat(inScope(A, "UPDATE agent_signals SET confidence = 0.9 WHERE symbol = 'NEWUSDT'")).isEqualTo(1);
        assertThat(inScope(B, "UPDATE agent_signals SET confidence = 0.9 WHERE symbol = 'NEWUSDT'")).as("A's row from B").isZero();
        assertThat(inScope(A, "DELETE FROM agent_signals WHERE symbol = 'NEWUSDT'")).isEqualTo(1);
        assertThat(inScope(A, "SELECT count(*) FROM tenants WHERE id = '" + A + "'")).as("tenants readable").isEqualTo(1);
        assertThat(sqlState(A, "INSERT INTO agent_signals (tenant_id, agent_type, symbol, signal, confidence) "
                + "VALUES ('" + B + "', 'momentum', 'X', 'buy', 0.4)")).as("another tenant's row").isEqualTo("42501");
    }

    @Test
    void theApplicationRoleCannotReachTheHistoryTheArchiveTruncateOrDeleteATenant() {
        assertThat(sqlState(A, "SELECT count(*) FROM flyway_schema_history")).isEqualTo("42501");
        assertThat(sqlState(A, "SELECT count(*) FROM alphapulse_migration.journal")).isEqualTo("42501");
        assertThat(sqlState(A, "SELECT count(*) FROM alphapulse_migration.archive_rows")).isEqualTo("42501");
        assertThat(sqlState(A, "TRUNCATE trades")).isEqualTo("42501");
        assertThat(sqlState(A, "DELETE FROM tenants WHERE id = '" + A + "'")).isEqualTo("42501");
        assertThat(Fixtures.count(owner.db(), "SELECT count(*) FROM tenants WHERE id = '" + A + "'")).isEqualTo(1);
    }

    @Test
    void aTableALaterVersionCreatesIsTheApplicationsWithoutAnotherProvision() throws SQLException {
        // As the migration role, the way an upgrade creates a table.
        try (Connection c = owner.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE strategy_notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tenant_id uuid NOT NULL, "
                    + "note text)");
        }
        assertThat(inScope(A, "INSERT INTO strategy_notes (tenant_id, note) VALUES ('" + A + "', 'hello')")).isEqualTo(1);
        assertThat(inScope(A, "SELECT count(*) FROM strategy_notes")).isEqualTo(1);
        assertThat(inScope(A, "SELECT last_value FROM strategy_notes_id_seq")).isEqualTo(1);
        assertThat(inScope(A, "DELETE FROM strategy_notes")).isEqualTo(1);
        assertThat(sqlState(A, "TRUNCATE strategy_notes")).isEqualTo("42501");
    }

    @Test
    void aSecondRunChangesNothingAndASuperuserProvisionsTheSame() {
        ProvisionResult again = engine(owner.dataSource()).provisionApplication(app);
        assertThat(again.changed()).isFalse();
        assertThat(again.actions()).extracting(ProvisionResult.Action::what)
                .containsExactlyElementsOf(first.actions().stream().map(ProvisionResult.Action::what).toList());

        String other = role("svc_other");
        owner.asAdmin("CREATE ROLE " + other + " LOGIN");
        try {
            ProvisionResult bySuperuser = engine(owner.db().dataSource()).provisionApplication(other);
            assertThat(bySuperuser.changed()).isTrue();
            assertThat(Fixtures.count(owner.db(), "SELECT count(*) FROM pg_default_acl d, aclexplode(d.defaclacl) a WHERE "
                    + "d.defaclrole = '" + owner.role() + "'::regrole AND a.grantee = '" + other + "'::regrole"))
                    .as("default privileges of the tables' owner, not the superuser's").isEqualTo(6);
            assertThat(engine(owner.dataSource()).provisionApplication(other).changed()).isFalse();
        } finally {
            Fixtures.dropRole(owner.db(), other);
        }
    }

    @Test
    void rolesThatWouldDefeatRowLevelSecurityAreRefusedAndNothingChanges() {
        String superuser = role("svc_super");
        String bypass = role("svc_bypass");
        String member = role("svc_member");
        String bypassMember = role("svc_rlsmember");
        String outsider = role("svc_outsider");
        owner.asAdmin("CREATE ROLE " + superuser + " LOGIN SUPERUSER");
        owner.asAdmin("CREATE ROLE " + bypass + " LOGIN BYPASSRLS");
        owner.asAdmin("CREATE ROLE " + member + " LOGIN");
        // Indirectly: through a group role the owner was granted to.
        owner.asAdmin("CREATE ROLE " + member + "_grp NOLOGIN");
        owner.asAdmin("GRANT " + owner.role() + " TO " + member + "_grp");
        owner.asAdmin("GRANT " + member + "_grp TO " + member);
        owner.asAdmin("CREATE ROLE " + bypassMember + " LOGIN IN ROLE rls_bypass_role");
        owner.asAdmin("CREATE ROLE " + outsider + " LOGIN PASSWORD 'outsider'");
        try {
            String before = grants();
            for (String refused : new String[] {superuser, bypass, member, bypassMember, "no_such_role_x"}) {
                MigrationException e = Fixtures.failure(() -> engine(owner.dataSource()).provisionApplication(refused));
                assertThat(e.code()).as(refused).isEqualTo(MigrationException.Code.PRECONDITION_FAILED);
                assertThat(e.getMessage()).contains(refused).contains("nothing was changed");
            }
            assertThat(Fixtures.failure(() -> engine(owner.dataSource()).provisionApplication(member)).getMessage())
                    .contains("member of " + owner.role());
            assertThat(Fixtures.failure(() -> engine(owner.dataSource()).provisionApplication(bypassMember)).getMessage())
                    .contains("rls_bypass_role");
            MigrationException notAllowed = Fixtures.failure(() -> engine(owner.db().dataSource(outsider, "outsider"))
                    .provisionApplication(app + "_x"));
            assertThat(notAllowed.code()).isIn(MigrationException.Code.PRECONDITION_FAILED, MigrationException.Code.INSUFFICIENT_PRIVILEGE);
            owner.asAdmin("CREATE ROLE " + app + "_x LOGIN");
            MigrationException privilege = Fixtures.failure(() -> engine(owner.db().dataSource(outsider, "outsider"))
                    .provisionApplication(app + "_x"));
            assertThat(privilege.code()).isEqualTo(MigrationException.Code.INSUFFICIENT_PRIVILEGE);
            assertThat(privilege.getMessage()).contains(owner.role()).contains("nothing was changed");
            assertThat(grants()).isEqualTo(before);
        } finally {
            for (String r : new String[] {superuser, bypass, member, member + "_grp", bypassMember, outsider, app + "_x"}) {
                Fixtures.dropRole(owner.db(), r);
            }
        }
    }

    @Test
    void beforeTheFirstUpgradeItIsRefusedBecauseDefaultPrivilegesWouldGrantTheHistory() {
        OwnerDatabase fresh = OwnerDatabase.create("prov_app_base");
        String svc = role("svc_base");
        fresh.asAdmin("CREATE ROLE " + svc + " LOGIN");
        try {
            MigrationException e = Fixtures.failure(() -> engine(fresh.dataSource()).provisionApplication(svc));
            assertThat(e.code()).isEqualTo(MigrationException.Code.NO_HISTORY);
            assertThat(e.getMessage()).contains("run upgrade first").contains("nothing was changed");
            assertThat(Fixtures.count(fresh.db(), "SELECT count(*) FROM pg_default_acl")).isZero();
        } finally {
            Fixtures.dropRole(fresh.db(), svc);
        }
    }

    /** Every ACL of the database, its schemas, relations and default privileges, and the journal's length. */
    private static String grants() {
        return String.join("\n", Fixtures.strings(owner.db(), "SELECT 'db ' || coalesce(datacl::text, '-') FROM pg_database "
                + "WHERE datname = current_database() UNION ALL SELECT nspname || ' ' || coalesce(nspacl::text, '-') FROM pg_namespace "
                + "UNION ALL SELECT oid::regclass || ' ' || coalesce(relacl::text, '-') FROM pg_class WHERE relnamespace IN "
                + "('public'::regnamespace, 'alphapulse_migration'::regnamespace) UNION ALL SELECT 'default ' || defaclrole::regrole "
                + "|| ' ' || defaclacl::text FROM pg_default_acl UNION ALL SELECT 'journal ' || count(*) FROM alphapulse_migration.journal "
                + "ORDER BY 1"));
    }
}
