package com.alphapulse.db.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** upgrade --dry-run and plan --sql through the CLI: exit 0, long statements whole, JSON as an array of statements. */
class UpgradeDryRunTest {

    static final Database DB = PostgresProvider.shared().createDatabase("cli_dry_run");

    @AfterAll
    static void drop() {
        PostgresProvider.shared().dropDatabase(DB);
    }

    static CliTest.Run on(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", DB.jdbcUrl(), "--user", DB.adminUser(), "--quiet"));
        return CliTest.run(all.toArray(String[]::new));
    }

    /**
     * The longest plain statement of a script, its leading comment lines left out (cut at ";" line ends; statements
     * with dollar quoting are skipped, their bodies hold such line ends), without its ';'.
     */
    static String longest(String sql) {
        return java.util.Arrays.stream(sql.split(";\\s*\\n")).filter(st -> !st.contains("$$"))
                .map(st -> String.join("\n", st.strip().lines().dropWhile(l -> l.strip().startsWith("--") || l.isBlank()).toList()).strip())
                .max(Comparator.comparingInt(String::length)).orElseThrow();
    }

    @Test
    void upgrade_dry_run_and_plan_sql_exit_0_and_print_the_longest_statements_whole() throws Exception {
        MigrationEngine.configure().dataSource(DB.dataSource()).load().upgrade("002");
        String v010 = longest(AlphaPulseSchema.migrations().version("010").migrationSql());

        CliTest.Run dry = on("upgrade", "head", "--dry-run");
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out()).contains(v010).contains("BEGIN;", "COMMIT;", "SELECT pg_try_advisory_lock(");
        CliTest.Run json = on("upgrade", "--dry-run", "-o", "json");
        assertThat(json.exit()).isZero();
        JsonNode statements = json.json().get("statements");
        assertThat(statements.isArray()).isTrue();
        List<String> texts = new ArrayList<>();
        statements.forEach(n -> texts.add(n.asText()));
        assertThat(texts).anyMatch(st -> st.contains(v010));
        assertThat(v010.length()).as("longer than the 100 characters plan used to cut at").isGreaterThan(100);
        assertThat(on("status").exit()).as("the dry run left the database at 002").isEqualTo(0);
        assertThat(on("status").out()).contains("002");

        MigrationEngine.configure().dataSource(DB.dataSource()).load().upgrade("head");
        String u010 = longest(com.alphapulse.db.engine.UndoScriptSource.of(AlphaPulseSchema.migrations())
                .undoSql(AlphaPulseSchema.migrations().version("010")).orElseThrow());
        CliTest.Run plan = on("plan", "009", "--sql");
        assertThat(plan.exit()).as(plan.err()).isZero();
        assertThat(plan.out()).contains(u010);
    }
}
