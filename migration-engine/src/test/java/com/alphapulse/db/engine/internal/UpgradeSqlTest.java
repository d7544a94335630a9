package com.alphapulse.db.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.engine.UpgradeSqlResult;
import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.testing.TestDatabases;
import com.alphapulse.db.schema.AlphaPulseSchema;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** upgradeSql: the upgrade as a reviewable script, every V-script statement whole plus the engine's own, changing nothing. */
class UpgradeSqlTest {

    static final Database DB = PostgresProvider.shared().createDatabase("upgrade_sql");
    static MigrationEngine engine;

    @BeforeAll
    static void at002() {
        engine = MigrationEngine.configure().dataSource(DB.dataSource()).reason("upgrade sql test").load();
        engine.upgrade("002");
    }

    @AfterAll
    static void drop() {
        PostgresProvider.shared().dropDatabase(DB);
    }

    static List<String> state() {
        return TestDatabases.fingerprint(DB);
    }

    @Test
    @DisplayName("upgrade --dry-run from 002 to head holds every statement of V005..V011 whole and in order, the migration lock, "
            + "the timeouts, per version the journal and Flyway history inserts, BEGIN/COMMIT around each transactional version "
            + "and none around the executeInTransaction=false ones (007, 009, 010); and the database is unchanged")
    void script_of_an_upgrade_from_002() throws Exception {
        List<String> before = state();
        UpgradeSqlResult r = engine.upgradeSql("head");
        assertThat(state()).as("nothing changed, no lock left").isEqualTo(before);
        assertThat(r.fromVersion().label()).isEqualTo("002");
        assertThat(r.toVersion().label()).isEqualTo("011");

        String script = r.script();
        MigrationSet set = AlphaPulseSchema.migrations();
        List<SchemaVersion> pending = set.versions().stream().filter(v -> v.number() > 2).toList();
        for (SchemaVersion v : pending) {
            int at = script.indexOf("-- apply " + v.label() + " ");
            assertThat(at).as(v.label() + "'s block").isPositive();
            for (Script.Statement st : Script.parse(v.migrationSql())) {
                int found = script.indexOf(st.sql().strip(), at);
                assertThat(found).as("V" + v.label() + " statement, whole and after the one before: " + st.display()).isGreaterThan(at);
                at = found;
            }
        }
        // nothing is cut: no '...' outside comments (the scripts' own have some) and the progress row's phase, which is
        // the status display the run really writes (cut at 100 characters)
        assertThat(script.lines().filter(l -> !l.strip().startsWith("--") && !l.startsWith("INSERT INTO alphapulse_migration.online_progress")))
                .noneMatch(l -> l.contains("..."));
        assertThat(r.statements()).startsWith(AdvisoryLock.NAME_SESSION.inline(), AdvisoryLock.TRY_LOCK.inline())
                .endsWith(AdvisoryLock.UNLOCK.inline(), AdvisoryLock.RESET_NAME + ";");
        assertThat(r.statements()).allSatisfy(st -> assertThat(st).endsWith(";"));
        assertThat(r.statements()).as("the V-scripts' statements are among the statements, leading comments and all")
                .containsAll(pending.stream().flatMap(v -> Script.parse(v.migrationSql()).stream()).map(st -> Downgrader.statement(st.sql())).toList());
        assertThat(r.statements().stream().filter(st -> st.startsWith("INSERT INTO alphapulse_migration.journal")).count())
                .isEqualTo(pending.size());
        assertThat(r.statements().stream().filter(st -> st.startsWith("INSERT INTO public.flyway_schema_history")).count())
                .isEqualTo(pending.size());
        assertThat(script).contains("set_config('lock_timeout', '500ms', true)", "set_config('lock_timeout', '500ms', false)",
                "-- batches of 1000 rows", "INSERT INTO alphapulse_migration.online_progress", "RESET lock_timeout;");

        // per version: a transactional one opens with BEGIN and ends its history insert with COMMIT; the others have neither
        List<String> lines = script.lines().toList();
        for (SchemaVersion v : pending) {
            boolean tx = UpgradeScript.inTransaction(v);
            assertThat(tx).as(v.label() + " in a transaction").isEqualTo(!List.of("007", "009", "010").contains(v.label()));
            int head = lines.indexOf(lines.stream().filter(l -> l.startsWith("-- apply " + v.label() + " ")).findFirst().orElseThrow());
            int end = head;
            while (!lines.get(end).startsWith("INSERT INTO public.flyway_schema_history")) {
                end++;
            }
            assertThat(lines.get(head + 1)).as(v.label() + " first statement")
                    .startsWith(tx ? "BEGIN;" : "SELECT set_config('lock_timeout', '500ms', false), set_config('statement_timeout', ");
            assertThat(lines.get(end + 1)).as(v.label() + " after its history row").isEqualTo(tx ? "COMMIT;" : "");
        }
    }

    @Test
    @DisplayName("at the target, the dry run says there is nothing to apply and holds no statement")
    void nothing_to_apply() {
        UpgradeSqlResult r = engine.upgradeSql("002");
        assertThat(r.statements()).isEmpty();
        assertThat(r.script()).contains("-- nothing to apply");
    }
}
