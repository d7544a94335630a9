package com.alphapulse.db.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.testing.OwnerDatabase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * plan --sql as the production migration role (owner, neither superuser nor BYPASSRLS), which FORCE ROW LEVEL
 * SECURITY filters, so the engine lifts it around each version's archive and undo: the lift of every step must be
 * the one the run makes at that step, on the catalog that step starts from, not on today's.
 */
class PlanSqlRowSecurityTest {

    static final OwnerDatabase OWNER = OwnerDatabase.create("plan_sql_rls");
    static MigrationEngine engine;

    @BeforeAll
    static void headAsTheOwner() {
        MigrationEngine.configure().dataSource(OWNER.db().dataSource()).reason("plan sql rls test").load().provision(OWNER.role(), true);
        engine = MigrationEngine.configure().dataSource(OWNER.dataSource()).reason("plan sql rls test").load();
        engine.upgrade("head");
    }

    @AfterAll
    static void drop() {
        PostgresProvider.shared().dropDatabase(OWNER.db());
    }

    /** The script's lines per undone version, from its {@code -- undo NNN} line to its {@code COMMIT;}. */
    static Map<String, List<String>> blocks(String script) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : script.lines().toList()) {
            if (line.startsWith("-- undo ")) {
                current = new ArrayList<>();
                out.put(line.substring("-- undo ".length(), "-- undo ".length() + 3), current);
            }
            if (current != null) {
                current.add(line);
            }
            if ("COMMIT;".equals(line)) {
                current = null;
            }
        }
        return out;
    }

    @Test
    @DisplayName("plan --sql from head to 002 as the owner lifts forced row-level security only where the run finds it forced: "
            + "around 011..009 (and forced again), around 008 (which unforces it itself, so never forced again), "
            + "and not at all for 007..005, which start after 008's undo removed it")
    void the_lift_follows_the_catalog_each_step_starts_from() {
        Map<String, List<String>> blocks = blocks(engine.planSql("002").script());
        assertThat(blocks).containsOnlyKeys("011", "010", "009", "008", "007", "006", "005");

        assertThat(blocks.get("011")).as("the first step starts from head, where the tables are forced")
                .anyMatch(l -> l.matches("ALTER TABLE \"public\"\\.\"\\w+\" NO FORCE ROW LEVEL SECURITY;"))
                .anyMatch(l -> l.matches("ALTER TABLE \"public\"\\.\"\\w+\" FORCE ROW LEVEL SECURITY;"));
        assertThat(blocks.get("008")).as("U008 sets row security itself: lifted for its archive, never forced again")
                .anyMatch(l -> l.equals("ALTER TABLE \"public\".\"trades\" NO FORCE ROW LEVEL SECURITY;"))
                .noneMatch(l -> l.matches("ALTER TABLE \"public\"\\.\"\\w+\" FORCE ROW LEVEL SECURITY;"));
        for (String v : List.of("007", "006", "005")) {
            assertThat(blocks.get(v)).as("U" + v + " starts after U008: nothing is forced, nothing lifted or forced again")
                    .noneMatch(l -> l.contains("ROW LEVEL SECURITY"));
        }
    }

    @Test
    @DisplayName("plan --sql from head to base as the owner never names a table in the engine's own statements (LOCK TABLE, "
            + "the row-security lift and its return) after the script statement that dropped it, in its own step or a later one")
    void no_engine_statement_names_a_dropped_table() {
        List<String> lines = engine.planSql("base").script().lines().toList();
        Set<String> dropped = new TreeSet<>();
        int checked = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            // the undo scripts' DROP TABLE statements (one line each in this set): from here on the table is gone
            if (line.matches("(?i)DROP TABLE .*;")) {
                for (String t : line.replaceFirst("(?i)DROP TABLE (IF EXISTS )?", "").replaceFirst("(?i)(\\s+(CASCADE|RESTRICT))?;$", "")
                        .split(",")) {
                    dropped.add(Script.name(t));
                }
            } else if (line.startsWith("LOCK TABLE \"public\".") || line.matches("ALTER TABLE \"public\".* ROW LEVEL SECURITY;")) {
                checked++;
                String table = line.replaceFirst("^(LOCK|ALTER) TABLE \"public\"\\.\"(\\w+)\".*", "$2");
                assertThat(dropped).as("line " + (i + 1) + ": " + line + " names a table a statement before it dropped")
                        .doesNotContain(table);
            }
        }
        assertThat(dropped).as("the script drops tables").contains("tenants", "trades");
        assertThat(checked).as("the engine's own table statements were looked at").isPositive();
    }
}
