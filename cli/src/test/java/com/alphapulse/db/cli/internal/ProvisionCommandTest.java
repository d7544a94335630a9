package com.alphapulse.db.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.cli.ExitCode;
import com.alphapulse.db.testing.OwnerDatabase;
import com.alphapulse.db.testing.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole cycle as the production role, through the CLI: a migration role that owns the database but is
 * neither superuser nor BYPASSRLS, given what it needs by one {@code provision} as a superuser, runs upgrade,
 * demo-data, verify, probe, rls-overhead, plan and downgrade to 002 in one go, the upgrade that restores, archive
 * list and rehearse --url. Proves every command succeeds, no login role is left behind by the probe, and the
 * password (given on the command line and pasted into a URL) appears in no output.
 */
class ProvisionCommandTest {

    private final List<CliTest.Run> runs = new ArrayList<>();

    private CliTest.Run as(OwnerDatabase owner, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", owner.jdbcUrl(), "--user", owner.role(), "--password", owner.password()));
        CliTest.Run r = CliTest.run(all.toArray(String[]::new));
        runs.add(r);
        return r;
    }

    private CliTest.Run admin(OwnerDatabase owner, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", owner.jdbcUrl(), "--user", owner.db().adminUser()));
        CliTest.Run r = CliTest.run(all.toArray(String[]::new));
        runs.add(r);
        return r;
    }

    private static long loginRolesLike(OwnerDatabase owner, String pattern) {
        return TestDatabases.count(owner.db(), "SELECT count(*) FROM pg_roles WHERE rolcanlogin AND rolname LIKE '" + pattern + "'");
    }

    @Test
    void theOwnerRunsEveryCommandAfterOneProvisionAndNoPasswordIsPrinted() {
        OwnerDatabase owner = OwnerDatabase.create("cli_owner");

        CliTest.Run refused = as(owner, "upgrade", "head", "--quiet");
        assertThat(refused.exit()).as(refused.err()).isIn(ExitCode.OK.code(), ExitCode.REFUSED_STATE.code());
        if (refused.exit() != ExitCode.OK.code()) {
            // rls_bypass_role did not exist yet on this server: 008 could not run, and nothing did
            assertThat(refused.err()).contains("provision").contains("rls_bypass_role");
        }
        CliTest.Run provision = admin(owner, "provision", "--migrator", owner.role(), "--shared-bypass");
        assertThat(provision.exit()).as(provision.err()).isZero();
        assertThat(provision.out()).contains("provisioned " + owner.role()).contains("rls_bypass_role");
        assertThat(admin(owner, "provision", "--migrator", owner.role(), "--shared-bypass").out()).contains("nothing to do");

        expectOk(as(owner, "upgrade", "head", "--quiet"));
        expectOk(as(owner, "demo-data", "--tenants", "3", "--scale", "0.02", "--quiet"));
        expectOk(as(owner, "verify", "--quiet"));
        long logins = loginRolesLike(owner, "alphapulse%");
        expectOk(as(owner, "probe", "--quiet"));
        assertThat(loginRolesLike(owner, "alphapulse%")).as("login roles after the probe").isEqualTo(logins);
        expectOk(as(owner, "rls-overhead", "--iterations", "3", "--quiet"));
        CliTest.Run plan = as(owner, "plan", "002", "--quiet");
        expectOk(plan);
        assertThat(plan.out()).doesNotContain("BLOCKED");
        expectOk(as(owner, "downgrade", "002", "--yes", "--quiet"));
        CliTest.Run archive = as(owner, "archive", "list", "--quiet");
        expectOk(archive);
        assertThat(archive.out()).contains("tenant_id").contains("tenants");
        expectOk(as(owner, "upgrade", "head", "--quiet"));
        expectOk(as(owner, "verify", "--quiet"));
        expectOk(as(owner, "verify", "--data", "--quiet"));

        CliTest.Run noCreatedb = as(owner, "rehearse", "--scale", "0.01", "--report", "none", "--quiet");
        assertThat(noCreatedb.exit()).as("rehearse --url without CREATEDB: " + noCreatedb.err())
                .isEqualTo(ExitCode.REFUSED_STATE.code());
        assertThat(noCreatedb.err()).contains("CREATEDB").doesNotContain("cannot connect");
        owner.asAdmin("ALTER ROLE " + owner.role() + " CREATEDB");
        expectOk(as(owner, "rehearse", "--scale", "0.01", "--report", "none", "--quiet"));

        // A password pasted into the URL, as DBAs do, is not echoed whatever the command makes of it.
        String pasted = owner.jdbcUrl().replace("jdbc:postgresql://", "jdbc:postgresql://" + owner.role() + ":" + owner.password() + "@");
        runs.add(CliTest.run("status", "--url", pasted));
        runs.add(CliTest.run("status", "--url", pasted.replace("jdbc:postgresql://", "postgres://")));
        runs.add(CliTest.run("status", "--url", owner.jdbcUrl() + "?password=" + owner.password(), "--user", "nobody_here"));

        assertThat(loginRolesLike(owner, "alphapulse%")).as("login roles at the end").isEqualTo(logins);
        for (CliTest.Run r : runs) {
            assertThat(r.out() + r.err()).as("output of a run").doesNotContain(owner.password());
        }
    }

    @Test
    void theOwnerProvisionsTheApplicationRoleThroughTheCliAndRefusalsExitSeven() throws Exception {
        OwnerDatabase owner = OwnerDatabase.create("cli_app");
        String app = "cli_app_" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String superApp = app + "_su";
        owner.asAdmin("CREATE ROLE " + app + " LOGIN PASSWORD 'app_pw'");
        owner.asAdmin("CREATE ROLE " + superApp + " LOGIN SUPERUSER");
        try {
            expectOk(admin(owner, "provision", "--migrator", owner.role(), "--shared-bypass", "--quiet"));
            expectOk(as(owner, "upgrade", "head", "--quiet"));

            CliTest.Run text = as(owner, "provision", "--app-role", app);
            expectOk(text);
            assertThat(text.out()).contains("provisioned " + app + " (application role)")
                    .contains("done     SELECT, INSERT, UPDATE, DELETE on public.trades: GRANT SELECT, INSERT, UPDATE, DELETE ON public.\"trades\"")
                    .contains("ALTER DEFAULT PRIVILEGES FOR ROLE \"" + owner.role() + "\" IN SCHEMA public GRANT")
                    .doesNotContain("flyway_schema_history");
            CliTest.Run json = as(owner, "provision", "--app-role", app, "-o", "json", "--quiet");
            expectOk(json);
            com.fasterxml.jackson.databind.JsonNode node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
            assertThat(node.get("role").asText()).isEqualTo(app);
            assertThat(node.get("kind").asText()).isEqualTo("APPLICATION");
            assertThat(node.get("actions")).isNotEmpty().allMatch(a -> !a.get("done").asBoolean());

            CliTest.Run both = admin(owner, "provision", "--migrator", owner.role(), "--app-role", app, "--shared-bypass", "-o", "json", "--quiet");
            expectOk(both);
            com.fasterxml.jackson.databind.JsonNode array = new com.fasterxml.jackson.databind.ObjectMapper().readTree(both.out());
            assertThat(array.isArray()).isTrue();
            assertThat(array.get(0).get("kind").asText()).isEqualTo("MIGRATION");
            assertThat(array.get(1).get("role").asText()).isEqualTo(app);

            CliTest.Run refused = as(owner, "provision", "--app-role", superApp);
            assertThat(refused.exit()).as(refused.err()).isEqualTo(ExitCode.REFUSED_STATE.code());
            assertThat(refused.err()).contains("superuser").contains("nothing was changed");
            CliTest.Run neither = as(owner, "provision");
            assertThat(neither.exit()).isEqualTo(ExitCode.USAGE.code());
            assertThat(neither.err()).contains("--app-role");

            try (java.sql.Connection c = owner.db().dataSource(app, "app_pw").getConnection(); java.sql.Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("SELECT set_config('app.current_tenant_id', '" + com.alphapulse.db.schema.AlphaPulseSchema.DEFAULT_TENANT_ID
                        + "', true)");
                try (java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM trades")) {
                    assertThat(rs.next()).isTrue();
                }
                c.rollback();
            }
        } finally {
            for (String r : new String[] {app, superApp}) {
                owner.asAdmin("DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + r + "') THEN "
                        + "EXECUTE 'DROP OWNED BY " + r + "'; EXECUTE 'DROP ROLE " + r + "'; END IF; END $$");
            }
        }
        for (CliTest.Run r : runs) {
            assertThat(r.out() + r.err()).as("output of a run").doesNotContain(owner.password()).doesNotContain("app_pw");
        }
    }

    private static void expectOk(CliTest.Run r) {
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
    }
}
