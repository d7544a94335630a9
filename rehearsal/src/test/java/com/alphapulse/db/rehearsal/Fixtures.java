package com.alphapulse.db.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.alphapulse.db.engine.EngineConfig;
import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.migrations.CatalogQueries;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.verification.DataSnapshot;
import com.alphapulse.db.verification.Verifier;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jooq.impl.DSL;

/** Helpers shared by the rehearsal module's tests. */
final class Fixtures {

    private Fixtures() {}

    static Database database(String prefix) {
        return PostgresProvider.shared().createDatabase(prefix);
    }

    static void drop(Database db) {
        PostgresProvider.shared().dropDatabase(db);
    }

    /** Short lock timeouts, as in the engine's tests; everything else as the defaults. */
    static EngineConfig config(Database db) {
        return MigrationEngine.configure().dataSource(db.dataSource()).reason("rehearsal test")
                .lockTimeout(Duration.ofSeconds(2)).retryBackoff(Duration.ofMillis(100));
    }

    static MigrationEngine engine(Database db) {
        return config(db).load();
    }

    static Rehearsals rehearsals(Database db) {
        return Rehearsals.on(config(db));
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

    static long count(Database db, String sql) {
        return Long.parseLong(text(db, sql));
    }

    static String text(Database db, String sql) {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            assertThat(rows).as("rows of %s", sql).hasSize(1);
            return rows.get(0);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The MigrationException {@code call} throws; fails when it throws nothing or something else. */
    static MigrationException failure(ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        assertThat(t).isInstanceOf(MigrationException.class);
        MigrationException e = (MigrationException) t;
        assertThat(e.getMessage()).doesNotContain("\n").isNotBlank();
        return e;
    }

    /** What a refused run must leave untouched: the catalog (every catalog query) and every table's data. */
    record State(String catalog, DataSnapshot data) {}

    static State state(Database db) {
        StringBuilder catalog = new StringBuilder();
        try (Connection c = db.connect()) {
            for (Map.Entry<String, String> q : CatalogQueries.sql(com.alphapulse.db.schema.AlphaPulseSchema.migrations()).entrySet()) {
                catalog.append(q.getKey()).append('=').append(DSL.using(c).fetch(q.getValue()).formatCSV()).append('\n');
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return new State(catalog.toString(), Verifier.on(db.dataSource()).snapshot());
    }

    static void assertUnchanged(Database db, State before) {
        State after = state(db);
        assertThat(after.catalog()).as("catalog").isEqualTo(before.catalog());
        assertThat(Verifier.compare(before.data(), after.data()).differences()).as("data").isEmpty();
    }
}
