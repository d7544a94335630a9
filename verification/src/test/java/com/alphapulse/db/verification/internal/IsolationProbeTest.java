package com.alphapulse.db.verification.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alphapulse.db.migrations.MigrationFlyway;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.testing.AlphaPulseRows;
import com.alphapulse.db.testing.OwnerDatabase;
import com.alphapulse.db.testing.TestDatabases;
import com.alphapulse.db.verification.VerificationException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The probe failed halfway, by an exception or by its session being killed from another connection, as a
 * superuser (which creates its own NOLOGIN role inside the transaction) and as the non-superuser owner (which
 * uses the provisioned alphapulse_probe): since nothing is ever committed, no role, grant, tenant or row is left.
 */
class IsolationProbeTest {

    static final OwnerDatabase OWNER = OwnerDatabase.create("probe_halfway");

    @BeforeAll
    static void migrate() {
        OWNER.asAdmin("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rls_bypass_role') THEN "
                + "CREATE ROLE rls_bypass_role NOLOGIN BYPASSRLS; END IF; "
                + "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'alphapulse_probe') THEN "
                + "CREATE ROLE alphapulse_probe NOLOGIN NOINHERIT NOBYPASSRLS; END IF; END $$");
        OWNER.asAdmin("GRANT rls_bypass_role, alphapulse_probe TO " + OWNER.role());
        MigrationFlyway.migrate(AlphaPulseSchema.migrations(), OWNER.dataSource(),
                AlphaPulseSchema.migrations().head().version());
        AlphaPulseRows.load(OWNER.db(), 2, 20);
    }

    @AfterAll
    static void drop() {
        PostgresProvider.shared().dropDatabase(OWNER.db());
    }

    /** Everything a probe could leave: roles it may create, grants to any probe role, tenants, rows. */
    private static Map<String, Object> traces() {
        Database db = OWNER.db();
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("temporary roles", TestDatabases.count(db, "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'alphapulse\\_probe\\_%'"));
        t.put("grants", TestDatabases.count(db, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON "
                + "n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relacl::text LIKE '%alphapulse_probe%'"));
        t.put("schema grants", TestDatabases.count(db, "SELECT count(*) FROM pg_namespace WHERE nspacl::text LIKE '%alphapulse_probe%'"));
        t.put("tenants", TestDatabases.count(db, "SELECT count(*) FROM tenants"));
        for (String table : AlphaPulseSchema.TENANT_TABLES) {
            t.put(table, TestDatabases.count(db, "SELECT count(*) FROM " + table));
        }
        return t;
    }

    private static IsolationProbe.Hook failAt(String step) {
        return (s, admin) -> {
            if (s.equals(step)) {
                throw new IllegalStateException("failed on purpose at " + s);
            }
        };
    }

    /** A hook that, at {@code step}, kills the probe's own session from another (superuser) connection. */
    private static IsolationProbe.Hook killAt(String step, AtomicReference<String> roleSeen) {
        return (s, admin) -> {
            if (!s.equals(step)) {
                return;
            }
            int pid;
            try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            try (Connection other = OWNER.db().connect(); Statement st = other.createStatement();
                    ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(" + pid + ", 5000), "
                            + "(SELECT string_agg(rolname, ',') FROM pg_roles WHERE rolname LIKE 'alphapulse\\_probe\\_%')")) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("the probe's backend was terminated").isTrue();
                roleSeen.set(rs.getString(2));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static void probe(DataSource ds, IsolationProbe.Hook hook) {
        IsolationProbe.run(ds, AlphaPulseSchema.migrations(), hook);
    }

    @Test
    @DisplayName("as superuser: an exception between two checks, after the role, grants and rows were made, leaves nothing")
    void superuserExceptionHalfway() {
        Map<String, Object> before = traces();
        assertThatThrownBy(() -> probe(OWNER.db().dataSource(), failAt("trades tenant A UPDATE")))
                .hasMessageContaining("failed on purpose");
        assertThat(traces()).isEqualTo(before);
    }

    @Test
    @DisplayName("as superuser: the session killed halfway is CONNECTION_FAILED; the role created in the transaction, never visible to others, is gone")
    void superuserKilledHalfway() {
        Map<String, Object> before = traces();
        AtomicReference<String> seen = new AtomicReference<>("not reached");
        assertThatThrownBy(() -> probe(OWNER.db().dataSource(), killAt("positions tenant A DELETE", seen)))
                .isInstanceOfSatisfying(VerificationException.class,
                        e -> assertThat(e.code()).isEqualTo(VerificationException.Code.CONNECTION_FAILED))
                .hasMessageContaining("nothing was committed");
        assertThat(seen.get()).as("temporary roles another session could see while the probe ran").isNull();
        assertThat(traces()).isEqualTo(before);
    }

    @Test
    @DisplayName("as the non-superuser owner: an exception halfway leaves no grant to alphapulse_probe, no tenant, no row")
    void ownerExceptionHalfway() {
        Map<String, Object> before = traces();
        assertThatThrownBy(() -> probe(OWNER.dataSource(), failAt("audit_logs emptied tenant INSERT")))
                .hasMessageContaining("failed on purpose");
        assertThat(traces()).isEqualTo(before);
    }

    @Test
    @DisplayName("as the non-superuser owner: the session killed during the never-set checks leaves nothing; a probe afterwards passes")
    void ownerKilledHalfway() {
        Map<String, Object> before = traces();
        assertThatThrownBy(() -> probe(OWNER.dataSource(), killAt("users no tenant UPDATE", new AtomicReference<>())))
                .isInstanceOfSatisfying(VerificationException.class,
                        e -> assertThat(e.code()).isEqualTo(VerificationException.Code.CONNECTION_FAILED));
        assertThat(traces()).isEqualTo(before);
        assertThat(IsolationProbe.run(OWNER.dataSource(), AlphaPulseSchema.migrations()).failures()).isEmpty();
        assertThat(traces()).isEqualTo(before);
    }

    @Test
    @DisplayName("as the owner: the session terminated from another connection while a check's statement runs is CONNECTION_FAILED and leaves nothing")
    void ownerKilledDuringAStatement() throws Exception {
        Map<String, Object> before = traces();
        // A SELECT policy that sleeps, so that the never-set SELECT check on trades is still running when killed.
        OWNER.asAdmin("CREATE FUNCTION public.probe_slow() RETURNS boolean LANGUAGE plpgsql AS "
                + "$$ BEGIN PERFORM pg_sleep(30); RETURN true; END $$");
        OWNER.asAdmin("ALTER POLICY trades_tenant_isolation_select ON trades USING "
                + "(tenant_id = current_setting('app.current_tenant_id', true)::uuid AND (SELECT public.probe_slow()))");
        Thread killer = new Thread(() -> {
            try (Connection c = OWNER.db().connect(); Statement s = c.createStatement()) {
                for (int i = 0; i < 200; i++) {
                    try (ResultSet rs = s.executeQuery("SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
                            + "WHERE wait_event = 'PgSleep' AND usename = '" + OWNER.role() + "'")) {
                        rs.next();
                        if (rs.getLong(1) > 0) {
                            return;
                        }
                    }
                    Thread.sleep(100);
                }
            } catch (SQLException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long start = System.nanoTime();
        try {
            killer.start();
            assertThatThrownBy(() -> IsolationProbe.run(OWNER.dataSource(), AlphaPulseSchema.migrations()))
                    .isInstanceOfSatisfying(VerificationException.class,
                            e -> assertThat(e.code()).isEqualTo(VerificationException.Code.CONNECTION_FAILED))
                    .hasMessageContaining("trades no tenant SELECT");
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).as("killed during the 30 s statement")
                    .isLessThan(java.time.Duration.ofSeconds(20));
        } finally {
            killer.join();
            OWNER.asAdmin("ALTER POLICY trades_tenant_isolation_select ON trades USING "
                    + "(tenant_id = current_setting('app.current_tenant_id', true)::uuid)");
            OWNER.asAdmin("DROP FUNCTION public.probe_slow()");
        }
        assertThat(traces()).isEqualTo(before);
    }
}
