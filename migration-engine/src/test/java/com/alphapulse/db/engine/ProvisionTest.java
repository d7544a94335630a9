package com.alphapulse.db.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.testing.AlphaPulseRows;
import com.alphapulse.db.testing.MigrationSets;
import com.alphapulse.db.testing.OwnerDatabase;
import com.alphapulse.db.verification.DataSnapshot;
import com.alphapulse.db.verification.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The production role: a migration role that owns the database and schema public but is neither superuser nor
 * BYPASSRLS (nor CREATEROLE). Proves that provision, run once by a superuser, is what it needs; that without it
 * every command is refused before it changes anything, naming the privilege; and that after it the whole cycle
 * head -> 002 -> head keeps every tenant row, with row-level security forced on the owner throughout.
 */
class ProvisionTest {

    private static MigrationEngine engine(javax.sql.DataSource ds) {
        return MigrationEngine.configure().dataSource(ds).reason(Fixtures.REASON).lockTimeout(Duration.ofSeconds(2))
                .retryBackoff(Duration.ofMillis(100)).load();
    }

    private static MigrationEngine engine(javax.sql.DataSource ds, MigrationSet set) {
        return MigrationEngine.configure().dataSource(ds).migrations(set).reason(Fixtures.REASON).load();
    }

    @Test
    void provisionIsRefusedToANonSuperuserAndForAMissingRoleAndChangesNothing() {
        OwnerDatabase owner = OwnerDatabase.create("prov_refused");
        MigrationException notSuper = Fixtures.failure(() -> engine(owner.dataSource()).provision(owner.role(), true));
        assertThat(notSuper.code()).isEqualTo(MigrationException.Code.INSUFFICIENT_PRIVILEGE);
        assertThat(notSuper.getMessage()).contains("superuser").contains("nothing was changed");

        MigrationException missing = Fixtures.failure(() -> engine(owner.db().dataSource()).provision("no_such_role_x"));
        assertThat(missing.code()).isEqualTo(MigrationException.Code.PRECONDITION_FAILED);
        assertThat(missing.getMessage()).contains("no_such_role_x does not exist");

        assertThat(Fixtures.count(owner.db(), "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
                + "WHERE r.rolname = '" + owner.role() + "'")).as("memberships granted").isZero();
        assertThat(Fixtures.count(owner.db(), "SELECT count(*) FROM pg_namespace WHERE nspname = 'alphapulse_migration'"))
                .as("engine schema").isZero();
    }

    @Test
    void aDatabaseTheUserMayNotConnectToIsAPrivilegeRefusalNotACannotConnect() {
        OwnerDatabase owner = OwnerDatabase.create("prov_connect");
        String outsider = "outsider_" + UUID.randomUUID().toString().substring(0, 8);
        owner.asAdmin("CREATE ROLE " + outsider + " LOGIN");
        owner.asAdmin("REVOKE CONNECT ON DATABASE \"" + owner.db().name() + "\" FROM PUBLIC");

        MigrationException e = Fixtures.failure(() -> engine(owner.db().dataSource(outsider, "")).status());

        assertThat(e.code()).isEqualTo(MigrationException.Code.INSUFFICIENT_PRIVILEGE);
        assertThat(e.getMessage()).contains("permission denied for database").contains("GRANT CONNECT");
    }

    @Test
    void provisionIsIdempotentJournaledAndHandsOverTheEngineSchema() {
        OwnerDatabase owner = OwnerDatabase.create("prov_idem");
        // An earlier superuser run left the engine's schema owned by the superuser.
        engine(owner.db().dataSource()).upgrade("001");

        ProvisionResult first = engine(owner.db().dataSource()).provision(owner.role(), true);
        ProvisionResult second = engine(owner.db().dataSource()).provision(owner.role(), true);

        assertThat(first.changed()).isTrue();
        assertThat(first.actions()).filteredOn(ProvisionResult.Action::done).extracting(ProvisionResult.Action::what)
                .anyMatch(w -> w.startsWith("membership of " + owner.role() + " in rls_bypass_role"))
                .anyMatch(w -> w.startsWith("membership of " + owner.role() + " in " + Verifier.PROBE_ROLE))
                .anyMatch(w -> w.startsWith("schema alphapulse_migration owned by " + owner.role()));
        assertThat(first.actions()).extracting(ProvisionResult.Action::sql).noneMatch(s -> s.toUpperCase().contains("PASSWORD"));
        assertThat(first.actions()).filteredOn(ProvisionResult.Action::done).extracting(ProvisionResult.Action::what)
                .anyMatch(w -> w.startsWith("public.flyway_schema_history owned by " + owner.role()));
        assertThat(first.warnings()).as("tables another role owns are reported, left alone")
                .anyMatch(w -> w.contains("sync_status") && w.contains("cannot alter"));
        assertThat(second.changed()).as("second run").isFalse();
        assertThat(Fixtures.text(owner.db(), "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'alphapulse_migration'"))
                .isEqualTo(owner.role());
        assertThat(Fixtures.count(owner.db(), "SELECT count(*) FROM alphapulse_migration.journal WHERE direction = 'PROVISION' "
                + "AND db_user = '" + owner.role() + "'")).isEqualTo(2);
        assertThat(Fixtures.text(owner.db(), "SELECT rolcanlogin || ',' || rolbypassrls || ',' || rolsuper FROM pg_roles "
                + "WHERE rolname = '" + Verifier.PROBE_ROLE + "'")).isEqualTo("false,false,false");
    }

    @Test
    void membershipOfTheClusterWideBypassRoleIsRefusedWhenItWouldReachAnotherOwnersDatabase() {
        OwnerDatabase other = OwnerDatabase.create("prov_other");
        // Another database on the cluster at 008+, migrated by the superuser: rls_bypass_role holds its tenant tables.
        engine(other.db().dataSource()).upgrade("head");
        OwnerDatabase owner = OwnerDatabase.create("prov_shared");

        MigrationException e = Fixtures.failure(() -> engine(owner.db().dataSource()).provision(owner.role()));

        assertThat(e.code()).isEqualTo(MigrationException.Code.PRECONDITION_FAILED);
        assertThat(e.getMessage()).contains("rls_bypass_role is cluster-wide").contains("bypass row-level security there too")
                .contains("nothing was changed");
        assertThat(Fixtures.count(owner.db(), "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
                + "WHERE r.rolname = '" + owner.role() + "'")).as("memberships granted").isZero();
        assertThat(engine(owner.db().dataSource()).provision(owner.role(), true).changed()).as("accepted explicitly").isTrue();
    }

    @Test
    void aRoleOnlyASuperuserMayCreateIsRefusedBeforeAnyVersionRuns() throws Exception {
        String role = "bypass_" + UUID.randomUUID().toString().substring(0, 8);
        Path dir = MigrationSets.copyScripts(MigrationSets.fixture());
        int next = MigrationSets.fixture().head().number() + 1;
        Files.writeString(dir.resolve("migration").resolve(String.format("V%03d__needs_bypass.sql", next)),
                "CREATE ROLE " + role + " NOLOGIN BYPASSRLS;\n");
        Files.writeString(dir.resolve("undo").resolve(String.format("U%03d__needs_bypass.sql", next)), "DROP ROLE " + role + ";\n");
        MigrationSet set = MigrationSets.generate(dir);
        OwnerDatabase owner = OwnerDatabase.create("prov_role");
        // Generating the set's expected catalogs ran the script as a superuser, which created the role.
        owner.asAdmin("DROP ROLE IF EXISTS " + role);

        MigrationException e = Fixtures.failure(() -> engine(owner.dataSource(), set).upgrade("head"));

        assertThat(e.code()).isEqualTo(MigrationException.Code.INSUFFICIENT_PRIVILEGE);
        assertThat(e.getMessage()).contains("upgrade refused before it started").contains("role " + role)
                .contains("BYPASSRLS").contains("provision").contains("nothing was changed");
        assertThat(Fixtures.count(owner.db(), "SELECT count(*) FROM pg_class WHERE relname = 'flyway_schema_history'"))
                .as("no version ran").isZero();
    }

    @Test
    void withoutMembershipTheDowngradeOfARowSecuredDatabaseIsRefusedNamingTheGrant() {
        OwnerDatabase owner = OwnerDatabase.create("prov_member");
        engine(owner.db().dataSource()).provision(owner.role(), true);
        engine(owner.dataSource()).upgrade("head");
        owner.asAdmin("REVOKE rls_bypass_role FROM " + owner.role());

        MigrationException plan = Fixtures.failure(() -> engine(owner.dataSource()).plan("002"));
        MigrationException down = Fixtures.failure(() -> engine(owner.dataSource()).downgrade("002", DowngradeOptions.defaults()));

        for (MigrationException e : new MigrationException[] {plan, down}) {
            assertThat(e.code()).isEqualTo(MigrationException.Code.INSUFFICIENT_PRIVILEGE);
            assertThat(e.getMessage()).contains("membership in rls_bypass_role").contains("GRANT rls_bypass_role TO");
        }
        assertThat(engine(owner.dataSource()).status().currentVersion()).isEqualTo(AlphaPulseSchema.migrations().head().version());
    }

    @Test
    void afterProvisionTheOwnerRunsTheWholeCycleAndEveryTenantRowSurvives() {
        OwnerDatabase owner = OwnerDatabase.create("prov_cycle");
        engine(owner.db().dataSource()).provision(owner.role(), true);
        MigrationEngine asOwner = engine(owner.dataSource());
        asOwner.upgrade("head");
        Database db = owner.asOwner();
        AlphaPulseRows.loadTenant(db, UUID.randomUUID(), "ta", 30);
        AlphaPulseRows.loadTenant(db, UUID.randomUUID(), "tb", 20);
        DataSnapshot before = Verifier.on(owner.db().dataSource()).snapshot();

        PlanResult plan = asOwner.plan("002");
        assertThat(plan.blocked()).as(String.join("; ", plan.blockers())).isFalse();
        assertThat(plan.steps()).flatExtracting(PlanResult.Step::statements).extracting(PlanResult.Statement::dataLoss)
                .as("counts see every tenant, not the owner's empty scope").anyMatch(l -> l != null && l.contains("50"));
        DowngradeResult down = asOwner.downgrade("002", DowngradeOptions.defaults());
        assertThat(down.toVersion().label()).isEqualTo("002");
        assertThat(Fixtures.count(owner.db(), "SELECT count(*) FROM pg_roles WHERE rolname = 'rls_bypass_role'"))
                .as("U008 keeps the role a non-superuser could not re-create").isEqualTo(1);
        asOwner.upgrade("head");

        assertThat(Verifier.compare(before, Verifier.on(owner.db().dataSource()).snapshot()).differences()).isEmpty();
        assertThat(Verifier.on(owner.db().dataSource()).verify(AlphaPulseSchema.migrations().head()).clean()).isTrue();
        assertThat(Fixtures.text(owner.db(), "SELECT relforcerowsecurity FROM pg_class WHERE relname = 'trades'")).isEqualTo("t");
    }
}
