package com.alphapulse.db.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.engine.PlanSqlResult;
import com.alphapulse.db.engine.UndoScriptSource;
import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.testing.TestDatabases;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.testing.AlphaPulseRows;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** planSql: the downgrade as a reviewable script, every undo statement whole plus the engine's own, changing nothing. */
class PlanSqlTest {

    static final Database DB = PostgresProvider.shared().createDatabase("plan_sql");
    static MigrationEngine engine;

    @BeforeAll
    static void headWithThreeTenants() {
        engine = MigrationEngine.configure().dataSource(DB.dataSource()).reason("plan sql test").load();
        engine.upgrade("head");
        AlphaPulseRows.load(DB, 3, 120);
    }

    @AfterAll
    static void drop() {
        PostgresProvider.shared().dropDatabase(DB);
    }

    static List<String> state() {
        return TestDatabases.fingerprint(DB);
    }

    @Test
    @DisplayName("plan --sql to 002 holds every statement of U011..U005 untruncated, the migration lock, per version BEGIN, "
            + "the timeouts, the LOCK TABLEs, the history delete and the journal insert, then COMMIT; "
            + "and the database is unchanged")
    void script_of_a_downgrade_to_002() throws Exception {
        List<String> before = state();
        PlanSqlResult r = engine.planSql("002");
        assertThat(state()).as("nothing changed").isEqualTo(before);

        String script = r.script();
        MigrationSet set = AlphaPulseSchema.migrations();
        UndoScriptSource undo = UndoScriptSource.of(set);
        int last = -1;
        for (SchemaVersion v : set.versions()) {
            if (v.number() <= 2) {
                continue;
            }
            for (Script.Statement st : Script.parse(undo.undoSql(v).orElseThrow())) {
                if (!st.engineSetting()) {
                    assertThat(script).as("U" + v.label() + " statement").contains(st.sql().strip());
                }
            }
        }
        assertThat(script).doesNotContain("...");
        assertThat(script).contains("SELECT pg_try_advisory_lock(" + AdvisoryLock.CLASS_ID + ", " + AdvisoryLock.OBJECT_ID + ");",
                "SELECT pg_advisory_unlock(");
        assertThat(script.lines().filter("BEGIN;"::equals).count()).isEqualTo(r.plan().steps().size());
        assertThat(script.lines().filter("COMMIT;"::equals).count()).isEqualTo(r.plan().steps().size());
        assertThat(script).contains("set_config('lock_timeout', ", "set_config('statement_timeout', ",
                "LOCK TABLE \"public\".\"trades\" IN ACCESS EXCLUSIVE MODE;",
                "DELETE FROM public.flyway_schema_history WHERE installed_rank = ",
                "DELETE FROM alphapulse_migration.online_progress WHERE version = 7;",
                "INSERT INTO alphapulse_migration.journal (run_id, version, direction",
                "-- archive into alphapulse_migration what the next statement(s) drop: trades.tenant_id");
        // one transaction per version: BEGIN, settings first, the journal row last before COMMIT
        List<String> lines = script.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).equals("BEGIN;")) {
                assertThat(lines.get(i + 1)).startsWith("SELECT set_config('lock_timeout'");
                last = i;
            }
            if (lines.get(i).equals("COMMIT;")) {
                assertThat(lines.get(i - 1)).startsWith("INSERT INTO alphapulse_migration.journal");
                assertThat(last).isLessThan(i);
            }
        }
        // statements end in ';': the script splits back into the engine's and the scripts' statements and nothing else
        String body = String.join("\n", lines.stream().filter(l -> !l.startsWith("--")).toList()).strip();
        assertThat(body).endsWith(";");
        assertThat(Script.split(body).stream().map(String::strip).toList()).contains("BEGIN", "COMMIT");
    }
}
