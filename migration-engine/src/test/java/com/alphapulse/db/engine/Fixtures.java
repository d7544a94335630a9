package com.alphapulse.db.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.migrations.MigrationFlyway;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.verification.DataSnapshot;
import com.alphapulse.db.verification.Verifier;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.jooq.impl.DSL;

/** Helpers shared by the engine's tests. */
final class Fixtures {

    static final String REASON = "engine test";

    private Fixtures() {}

    static Database database(String prefix) {
        return PostgresProvider.shared().createDatabase(prefix);
    }

    static void drop(Database db) {
        PostgresProvider.shared().dropDatabase(db);
    }

    /** Short timeouts so fault tests run quickly; everything else as the defaults. */
    static EngineConfig config(Database db) {
        return MigrationEngine.configure().dataSource(db.dataSource()).reason(REASON)
                .lockTimeout(Duration.ofSeconds(2)).retryBackoff(Duration.ofMillis(100));
    }

    static MigrationEngine engine(Database db) {
        return config(db).load();
    }

    /** Plain Flyway on the same history table, without the engine's callbacks. */
    static FluentConfiguration flyway(Database db) {
        return MigrationFlyway.configure(AlphaPulseSchema.migrations(), db.dataSource());
    }

    static void exec(Database db, String... sql) {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Drops a role the test created (cluster-wide), with its privileges in {@code db}; nothing when it does not exist. */
    static void dropRole(Database db, String role) {
        exec(db, "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') THEN "
                + "EXECUTE 'DROP OWNED BY " + role + "'; EXECUTE 'DROP ROLE " + role + "'; END IF; END $$");
    }

    static long count(Database db, String sql) {
        return Long.parseLong(text(db, sql));
    }

    static String text(Database db, String sql) {
        List<String> rows = strings(db, sql);
        assertThat(rows).as("rows of %s", sql).hasSize(1);
        return rows.get(0);
    }

    static List<String> strings(Database db, String sql) {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The code of the MigrationException {@code call} throws; fails when it throws nothing else. */
    static MigrationException failure(ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        assertThat(t).isInstanceOf(MigrationException.class);
        MigrationException e = (MigrationException) t;
        assertThat(e.getMessage()).doesNotContain("\n").isNotBlank();
        return e;
    }

    /**
     * Everything a refused or failed run must leave untouched: the catalog (every catalog query of the
     * schema module), Flyway's history and every table's data (the verification module's snapshot).
     */
    record State(String catalog, String history, DataSnapshot data) {}

    static State state(Database db) {
        StringBuilder catalog = new StringBuilder();
        try (Connection c = db.connect()) {
            for (Map.Entry<String, String> q : com.alphapulse.db.migrations.CatalogQueries.sql(AlphaPulseSchema.migrations()).entrySet()) {
                catalog.append(q.getKey()).append('=').append(DSL.using(c).fetch(q.getValue()).formatCSV()).append('\n');
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        boolean hasHistory = Boolean.parseBoolean(text(db, "SELECT to_regclass('public.flyway_schema_history') IS NOT NULL"));
        String history = !hasHistory ? "no history" : String.join("\n", strings(db, "SELECT installed_rank || ' ' "
                + "|| coalesce(version, '-') || ' ' || coalesce(checksum::text, '-') || ' ' || success "
                + "FROM public.flyway_schema_history ORDER BY installed_rank"));
        return new State(catalog.toString(), history, Verifier.on(db.dataSource()).snapshot());
    }

    static void assertUnchanged(Database db, State before) {
        State after = state(db);
        assertThat(after.catalog()).as("catalog").isEqualTo(before.catalog());
        assertThat(after.history()).as("flyway history").isEqualTo(before.history());
        assertThat(Verifier.compare(before.data(), after.data()).differences()).as("data").isEmpty();
    }

    /**
     * Per tenant table: a checksum of every (id, tenant_id) pair; for tenants: of every full row. Rows with
     * an id above {@code maxIds} (inserted later) are left out when given.
     */
    static Map<String, String> tenantChecksums(Database db, Map<String, Long> maxIds) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("tenants", text(db, "SELECT count(*) || ':' || md5(coalesce(string_agg(to_jsonb(t)::text, ',' ORDER BY id), '')) "
                + "FROM public.tenants t"));
        for (String table : AlphaPulseSchema.TENANT_TABLES) {
            long max = maxIds == null ? Long.MAX_VALUE : maxIds.get(table);
            out.put(table, text(db, "SELECT count(*) || ':' || md5(coalesce(string_agg(id || '=' || tenant_id, ',' ORDER BY id), '')) "
                    + "FROM public." + table + " WHERE id <= " + max));
        }
        return out;
    }

    static Map<String, Long> maxIds(Database db) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String table : AlphaPulseSchema.TENANT_TABLES) {
            out.put(table, count(db, "SELECT coalesce(max(id), 0) FROM public." + table));
        }
        return out;
    }
}
