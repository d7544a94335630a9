package com.alphapulse.db.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.schema.AlphaPulseSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** How an online version's statements are locked and batched, on a real PostgreSQL. */
class OnlineTest {

    @Test
    @DisplayName("a statement's locks: only modes that block application writes are taken ahead, a foreign key's parent too; VALIDATE and CONCURRENTLY wait patiently")
    void locks_taken_ahead() {
        assertThat(Online.locks(Script.statement("ALTER TABLE trades ADD CONSTRAINT fk_t FOREIGN KEY (tenant_id) "
                + "REFERENCES tenants (id) NOT VALID")))
                .containsOnly(Map.entry("trades", Script.SHARE_ROW_EXCLUSIVE), Map.entry("tenants", Script.SHARE_ROW_EXCLUSIVE));
        assertThat(Online.locks(Script.statement("ALTER TABLE trades ALTER COLUMN tenant_id SET NOT NULL")))
                .containsExactlyEntriesOf(Map.of("trades", Script.ACCESS_EXCLUSIVE));
        assertThat(Online.locks(Script.statement("CREATE OR REPLACE TRIGGER t_tenant BEFORE INSERT OR UPDATE ON positions "
                + "FOR EACH ROW EXECUTE FUNCTION f()"))).containsExactlyEntriesOf(Map.of("positions", Script.SHARE_ROW_EXCLUSIVE));
        assertThat(Online.locks(Script.statement("DROP TRIGGER IF EXISTS t_tenant ON positions")))
                .containsExactlyEntriesOf(Map.of("positions", Script.ACCESS_EXCLUSIVE));
        assertThat(Online.locks(Script.statement("ALTER TABLE trades VALIDATE CONSTRAINT fk_t"))).isEmpty();
        assertThat(Online.locks(Script.statement("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON trades (tenant_id)"))).isEmpty();
    }

    @Test
    @DisplayName("a batched UPDATE covers exactly the rows its WHERE selects (an OR in it keeps its precedence), in more than one key range, and resumes after the last key recorded")
    void batches_cover_exactly_the_statement_and_resume() throws SQLException {
        Database db = PostgresProvider.shared().createDatabase("online_batches");
        try (Connection c = db.connect()) {
            exec(c, "CREATE TABLE items (id integer PRIMARY KEY, flag integer NOT NULL, v integer)",
                    "INSERT INTO items SELECT g, g % 10, CASE WHEN g % 3 = 0 THEN 5 END FROM generate_series(1, 5000) g");
            EngineSchema.ensure(c);
            List<String> lines = new CopyOnWriteArrayList<>();
            EngineSettings s = settings(db, lines);
            String sql = "-- alphapulse:batch\nUPDATE items AS i\n   SET v = 1\n WHERE i.v IS NULL OR i.flag = 7";
            Online.Step step = new Online.Step(1, Script.statement(sql), true, Map.of(), false);
            Online.reached(c, 70, step, null);
            List<com.alphapulse.db.engine.VersionRun.Phase> phases = new ArrayList<>();

            long changed = Online.batches(c, s, 70, step, phases);

            long expected = 5000 - count(c, "SELECT count(*) FROM items WHERE v = 5 AND flag <> 7");
            assertThat(changed).isEqualTo(expected);
            assertThat(count(c, "SELECT count(*) FROM items WHERE v = 1")).isEqualTo(expected);
            assertThat(count(c, "SELECT count(*) FROM items WHERE v = 5 AND flag = 7")).isZero();
            assertThat(lines).filteredOn(l -> l.startsWith("  backfill items: ")).hasSizeGreaterThanOrEqualTo(2);
            assertThat(phases).as("%s", lines).singleElement().satisfies(p -> assertThat(p.rows()).isEqualTo(5000));
            assertThat(c.getAutoCommit()).as("the connection is left in autocommit").isTrue();

            // A re-run after a kill resumes after the last key recorded: rows at or below it are not touched again.
            exec(c, "UPDATE items SET v = NULL WHERE id IN (10, 4990)",
                    "UPDATE alphapulse_migration.online_progress SET last_key = '2500' WHERE version = 70");
            lines.clear();
            Online.batches(c, s, 70, step, phases);
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("resuming backfill items after id = 2500"));
            assertThat(count(c, "SELECT count(*) FROM items WHERE id = 10 AND v IS NULL")).isEqualTo(1);
            assertThat(count(c, "SELECT count(*) FROM items WHERE id = 4990 AND v = 1")).isEqualTo(1);
        } finally {
            PostgresProvider.shared().dropDatabase(db);
        }
    }

    private static EngineSettings settings(Database db, List<String> lines) {
        return new EngineSettings(db.dataSource(), "test", null, Duration.ofSeconds(2), Duration.ofMinutes(1), 3,
                Duration.ofMillis(50), AlphaPulseSchema.migrations(), List.of(AlphaPulseSchema.migrations().flywayLocation()),
                null, "test", null, lines::add);
    }

    private static void exec(Connection c, String... sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String q : sql) {
                st.execute(q);
            }
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
