package com.alphapulse.db.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.testing.RecordingDataSource;

import com.alphapulse.db.engine.DowngradeOptions;
import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.testing.AlphaPulseRows;
import com.alphapulse.db.testing.OwnerDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * upgrade --dry-run and plan --sql against the real runs: the statements the engine and Flyway execute are recorded
 * on the client ({@link RecordingDataSource}) and compared, in order, with the ones the dry runs print. Left out of
 * the comparison, each for the reason its rule gives: reads, the archive's own rows, the batches' progress rows,
 * Flyway's own statements, the settle probe's lock, the online pre-archive; the journal row is compared without this
 * run's id, times and counts.
 */
class DryRunVersusRunTest {

    /** The statement with its bind values inlined, rendered the way the dry runs render theirs ({@link Sql.Bound#inline}). */
    static String inline(RecordingDataSource.Executed e) {
        return e.binds().isEmpty() ? Downgrader.statement(e.sql()) : new Sql.Bound(e.sql(), e.binds().toArray()).inline();
    }

    static final OwnerDatabase OWNER = OwnerDatabase.create("dry_run_vs_run");
    static RecordingDataSource recorder;
    static MigrationEngine engine;

    @BeforeAll
    static void provisioned() {
        MigrationEngine.configure().dataSource(OWNER.db().dataSource()).reason("dry run test").load().provision(OWNER.role(), true);
        recorder = new RecordingDataSource(OWNER.dataSource());
        engine = MigrationEngine.configure().dataSource(recorder).reason("dry run test").load();
    }

    @AfterAll
    static void drop() {
        PostgresProvider.shared().dropDatabase(OWNER.db());
    }


    /** The statement as compared: its own comment lines left out (the scripts' statements carry theirs), no final ';'. */
    static String normalized(String sql) {
        String t = sql.lines().filter(l -> !l.strip().startsWith("--")).map(String::stripTrailing)
                .collect(java.util.stream.Collectors.joining("\n")).strip();
        if (t.endsWith(";")) {
            t = t.substring(0, t.length() - 1).strip();
        }
        // An online version's batch runs the printed statement with its WHERE as (primary key range) AND (its own
        // condition), the dry run's "-- batches of" comment says: compared as the statement it was made from.
        t = t.replaceFirst("(?s)\\s+WHERE \\((.*?)\\) AND \\( (.*)\\s*\\)$", " WHERE $2");
        // layout is not compared (the batch rewrite re-indents)
        t = t.replaceAll("\\s+", " ").strip();
        // The journal row: the dry run cannot know this run's id, times, duration and counts (documented in the script's
        // comment "this run's id, times and archived row count"); version, direction, user, reason and outcome are compared.
        t = t.replaceFirst("(?s)^(INSERT INTO alphapulse_migration\\.journal \\(.*\\) VALUES \\()'[0-9a-f-]{36}'::uuid(, '\\d+', '\\w+', .*?, .*?), "
                + "(timestamp with time zone )?'[^']*'::timestamptz, (timestamp with time zone )?'[^']*'::timestamptz, \\d+, \\d+, \\d+, ('\\w+'), .*\\)$",
                "$1<run id>$2, <times, duration, counts>, $5, <message>)");
        // Flyway's history row: Flyway writes it with its own INSERT (quoted names, installed_on defaulted); the dry run shows the
        // equivalent one. Compared: that there is one, at this place, for this version.
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?s)^INSERT INTO \"?public\"?\\.\"?flyway_schema_history\"? .* VALUES \\(\\d+, '([^']+)'.*")
                .matcher(t);
        if (m.matches()) {
            t = "<Flyway's history row of " + m.group(1) + ">";
        }
        return t;
    }

    private static final java.util.regex.Pattern READ = java.util.regex.Pattern.compile("(?is)^(SELECT|SHOW|WITH|/\\*NO LOAD BALANCE\\*/).*");

    /**
     * Whether an executed statement is one the dry runs leave out on purpose, each for its reason: what is left is what
     * changes the database, its session or its locks.
     */
    static boolean leftOut(String sql) {
        String t = normalized(sql);
        if (t.equals("SAVEPOINT") || t.equals("RELEASE SAVEPOINT") || t.equals("ROLLBACK TO SAVEPOINT")) {
            return true; // JDBC savepoints around the plan's and the checks' reads (a failed count must not end their transaction)
        }
        if (READ.matcher(t).matches() && !t.contains("set_config(") && !t.matches("(?s).*pg_(try_)?advisory_(un)?lock\\(\\d+, \\d+\\).*")) {
            return true; // reads: history, catalog, privileges, counts, the plan; they change nothing
        }
        if (t.matches("(?is)^(SET (LOCAL )?ROLE|RESET ROLE|SET TRANSACTION READ ONLY|SET LOCAL search_path = public, pg_catalog).*")) {
            return true; // a read's own session state: the bypass role for counting every tenant's rows, Flyway's role check, the catalog reads' search_path
        }
        if (t.matches("(?is)^(INSERT|UPDATE|DELETE).*\\balphapulse_migration\\.archive_\\w+.*")) {
            return true; // the archive's own rows (copied, caught up, discarded, restored): the scripts describe them in comments, they depend on the data
        }
        if (t.matches("(?is)^UPDATE alphapulse_migration\\.online_progress SET .*")) {
            return true; // an online batch's progress row (phase, last key done): per batch, as the dry run's "-- batches of" comment says
        }
        if (t.matches("(?s)^SELECT set_config\\('search_path', '[^']*', false\\)$")) {
            return true; // Flyway's own search_path (its defaultSchema) set on its connection for each version, restored at the end
        }
        if (t.matches("(?s).*pg_(try_)?advisory_(un)?lock\\(\\d+\\).*")) {
            return true; // Flyway's own lock on its history table (one key; the engine's lock has two)
        }
        if (t.matches("(?is)^(CREATE TABLE|ALTER TABLE|CREATE INDEX) \"public\"\\.\"flyway_schema_history\".*|^CREATE INDEX \"flyway_schema_history_s_idx\".*")) {
            return true; // Flyway creates its history table with its own DDL, said in a comment of the dry run
        }
        return false;
    }

    /** The statements the run executed that the dry runs are to show, in the order the server received them. */
    static List<String> compared(List<RecordingDataSource.Executed> run) {
        // per connection, its transactions: a rolled-back one changed nothing (in a run without conflicts those are the
        // plan's and the checks' read-only transactions), one with nothing kept is a read's
        java.util.Map<Integer, List<Integer>> open = new java.util.HashMap<>();
        boolean[] keep = new boolean[run.size()];
        for (int i = 0; i < run.size(); i++) {
            RecordingDataSource.Executed e = run.get(i);
            String t = e.sql();
            if (t.equals("BEGIN")) {
                open.put(e.connection(), new java.util.ArrayList<>(List.of(i)));
                continue;
            }
            List<Integer> tx = open.get(e.connection());
            if (t.equals("COMMIT") || t.equals("ROLLBACK")) {
                if (tx == null) {
                    continue; // setAutoCommit(true) after a commit, or a commit outside a transaction: nothing to end
                }
                open.remove(e.connection());
                boolean any = tx.stream().skip(1).anyMatch(j -> keep[j]);
                if (t.equals("ROLLBACK") || !any) {
                    tx.forEach(j -> keep[j] = false);
                } else {
                    keep[tx.get(0)] = true;
                    keep[i] = true;
                }
                continue;
            }
            keep[i] = !leftOut(inline(e));
            if (tx != null) {
                tx.add(i);
            }
        }
        // Before the run every mutating verb takes the migration lock on a session of its own and releases it at once
        // (AdvisoryLock.settlePrevious, which looks for a killed run's step session): not the run's lock session, which
        // is the last one to take the lock. The dry runs show the run's.
        List<Integer> lockSessions = new java.util.ArrayList<>();
        for (int i = 0; i < run.size(); i++) {
            if (keep[i] && normalized(inline(run.get(i))).startsWith("SELECT pg_try_advisory_lock(")) {
                lockSessions.add(run.get(i).connection());
            }
        }
        for (int i = 0; i < run.size(); i++) {
            if (lockSessions.size() > 1 && lockSessions.subList(0, lockSessions.size() - 1).contains(run.get(i).connection())
                    && !lockSessions.get(lockSessions.size() - 1).equals(run.get(i).connection())) {
                keep[i] = false;
            }
        }
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < run.size(); i++) {
            if (keep[i]) {
                out.add(normalized(inline(run.get(i))));
            }
        }
        // each batch is a transaction of its own around the statement with a key range: BEGIN, the statement, COMMIT,
        // once per range, as many as the rows need; the dry run's "-- batches of" comment says so. Flyway then runs the
        // statement as written (it finds nothing left), which is the one the dry run prints.
        List<String> merged = new java.util.ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            boolean batch = i + 2 < out.size() && out.get(i).equals("BEGIN") && out.get(i + 2).equals("COMMIT")
                    && batched(run, out.get(i + 1));
            if (batch) {
                i += 2;
            } else {
                merged.add(out.get(i));
            }
        }
        return merged;
    }

    /** Whether {@code statement} (normalized) was executed in the run as a batch, its WHERE rewritten to a key range. */
    private static boolean batched(List<RecordingDataSource.Executed> run, String statement) {
        return run.stream().anyMatch(e -> e.sql().matches("(?s).*\\s+WHERE \\(.*?\\) AND \\( .*\\s*\\)\\s*$")
                && normalized(inline(e)).equals(statement));
    }

    /** The dry run's statements as compared: comments left out, each as {@link #normalized}. */
    static List<String> dry(List<String> statements) {
        return statements.stream().map(DryRunVersusRunTest::normalized).filter(x -> !x.isEmpty()).toList();
    }

    @Test
    @DisplayName("upgrade --dry-run from an empty database to head, then plan --sql from head (2 tenants' rows) to 002, as the "
            + "production owner: the statements each prints are the statements the real upgrade and downgrade then execute, "
            + "in the same order, but for the documented differences (reads, the archive's and the batches' own rows, Flyway's "
            + "own statements, the journal row's id, times and counts, the online pre-archive)")
    void the_dry_runs_print_what_the_runs_execute() throws Exception {
        recorder.clear();
        List<String> upgrade = dry(engine.upgradeSql("head").statements());
        recorder.clear();
        engine.upgrade("head");
        List<String> upgraded = compared(recorder.executed());
        dump("upgrade", upgrade, upgraded);
        assertThat(upgraded).as("upgrade: executed vs upgrade --dry-run (target/upgrade-*.txt)").containsExactlyElementsOf(upgrade);

        AlphaPulseRows.load(OWNER.db(), 2, 20);
        String script = engine.planSql("002").script();
        recorder.clear();
        engine.downgrade("002", DowngradeOptions.defaults());
        List<String> downgraded = prearchiveLeftOut(compared(recorder.executed()));
        List<String> downgrade = dry(Script.split(String.join("\n", script.lines().filter(l -> !l.startsWith("--")).toList())));
        dump("downgrade", downgrade, downgraded);
        assertThat(downgraded).as("downgrade: executed vs plan --sql (target/downgrade-*.txt)").containsExactlyElementsOf(downgrade);
        assertThat(script).as("the pre-archive the comparison leaves out is said in the script")
                .contains("-- before the transaction, autocommit: a delta trigger on each table whose column is dropped");
    }

    /**
     * The online pre-archive, before a version's transaction: from the session's naming for it to its RESET row_security,
     * the delta triggers (each under its own short lock dance) and the batched copies of the columns, whose number
     * depends on the rows. The script says it in one comment ("before the transaction, autocommit: a delta trigger on
     * each table whose column is dropped, then the column's values copied … in primary-key batches"); under the locks,
     * the catch-up that drops those triggers again is the archive's work the script describes in comments too.
     */
    static List<String> prearchiveLeftOut(List<String> statements) {
        List<String> out = new java.util.ArrayList<>();
        boolean in = false;
        for (String st : statements) {
            if (st.matches("SELECT set_config\\('application_name', 'alphapulse-migration-engine undo \\d+', false\\), "
                    + "set_config\\('row_security', 'off', false\\)")) {
                in = true;
            }
            if (!in && !st.startsWith("DROP TRIGGER IF EXISTS " + Archive.DELTA_TRIGGER + " ON ")) {
                out.add(st);
            }
            if (st.equals("RESET row_security")) {
                in = false;
            }
        }
        return out;
    }

    static void dump(String name, List<String> dry, List<String> run) throws Exception {
        Files.write(Path.of("target", name + "-dry.txt"), dry);
        Files.write(Path.of("target", name + "-run.txt"), run);
    }
}
