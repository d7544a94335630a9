package com.alphapulse.db.engine.internal;

import com.alphapulse.db.migrations.SchemaVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.Record;

/**
 * Versions that run online: a script outside a transaction that says {@code -- alphapulse:online}, every
 * statement of which may run again (so that a re-run after a kill or a lock timeout carries on where the last
 * one stopped). For such a version the engine, around each statement Flyway runs:
 * <ul>
 *   <li>takes the statement's table locks itself when they would block the application (anything from
 *       SHARE up): first SHARE UPDATE EXCLUSIVE, which blocks no application statement, keeps autovacuum
 *       and other DDL off the table and, waited for longer than {@code deadlock_timeout}, makes PostgreSQL
 *       cancel an autovacuum that holds the table; then the statement's own mode with the short
 *       {@code lock_timeout}, retried with jittered backoff while the weak lock is kept. So the tool never
 *       queues ahead of the application for longer than one short timeout;</li>
 *   <li>lets a statement that takes nothing stronger than SHARE UPDATE EXCLUSIVE ({@code VALIDATE},
 *       {@code CREATE INDEX CONCURRENTLY}) wait as long as its statement timeout: such a wait blocks nobody;</li>
 *   <li>repeats an {@code UPDATE} marked {@code -- alphapulse:batch} in primary-key ranges, one short
 *       transaction each, the batch size adapted to the statement's duration, recording the last key done so
 *       that a re-run resumes after it; Flyway then runs the statement as written, which finds nothing left.</li>
 * </ul>
 * Where each statement stands is kept in {@link EngineSchema#ONLINE_PROGRESS}, which {@code status} reads.
 */
final class Online {

    static final String ONLINE_MARKER = "alphapulse:online";
    static final String BATCH_MARKER = "alphapulse:batch";
    private static final Pattern ONLINE = Pattern.compile("(?m)^\\s*--\\s*" + Pattern.quote(ONLINE_MARKER) + "\\s*$");
    private static final Pattern BATCH = Pattern.compile("(?m)^\\s*--\\s*" + Pattern.quote(BATCH_MARKER) + "\\s*$");
    private static final String ID = "(?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)";
    private static final String QN = "(?:" + ID + "\\s*\\.\\s*)?" + ID;
    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;
    private static final Pattern UPDATE_HEAD = Pattern.compile(
            "^\\s*UPDATE\\s+(?:ONLY\\s+)?(" + QN + ")(?:\\s+(?:AS\\s+)?(?!SET\\b)(" + ID + "))?\\s+SET\\b", FLAGS);
    private static final Pattern CREATE_TRIGGER = Pattern.compile(
            "^CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:CONSTRAINT\\s+)?TRIGGER\\s+" + ID + "\\s.*?\\bON\\s+(" + QN + ")", FLAGS);
    private static final Pattern DROP_TRIGGER = Pattern.compile(
            "^DROP\\s+TRIGGER\\s+(?:IF\\s+EXISTS\\s+)?" + ID + "\\s+ON\\s+(" + QN + ")", FLAGS);
    private static final Pattern GUARDED = Pattern.compile("\\b((?:ALTER|CREATE|DROP|UPDATE|INSERT|DELETE)\\s[^;]*);", FLAGS);
    private static final List<String> MODES = List.of("ACCESS SHARE", "ROW SHARE", Script.ROW_EXCLUSIVE,
            Script.SHARE_UPDATE_EXCLUSIVE, Script.SHARE, Script.SHARE_ROW_EXCLUSIVE, "EXCLUSIVE", Script.ACCESS_EXCLUSIVE);

    /** Batches aim at this duration: long enough to be efficient, short enough to hold row locks briefly. */
    static final Duration BATCH_TARGET = Duration.ofMillis(200);
    static final int FIRST_BATCH = 1_000;
    static final int MIN_BATCH = 100;
    static final int MAX_BATCH = 100_000;

    /**
     * One statement of an online version.
     *
     * @param ordinal its position among the script's statements, from 1: the key of its progress row
     * @param statement the statement
     * @param batch whether it is an UPDATE to run in batches
     * @param locks the tables to lock before it, with the mode, strongest first; empty when it blocks no one
     * @param patient whether it may wait for its locks as long as its statement timeout (it blocks no one)
     */
    record Step(int ordinal, Script.Statement statement, boolean batch, Map<String, String> locks, boolean patient) {

        /** What {@code status} shows while the statement runs: a DO block by the first statement it guards. */
        String phase() {
            String d = statement.display();
            Matcher inner = GUARDED.matcher(d);
            if (d.regionMatches(true, 0, "DO ", 0, 3) && inner.find()) {
                d = inner.group(1).trim() + " (if needed)";
            }
            return d.length() <= 100 ? d : d.substring(0, 97) + "...";
        }
    }

    private Online() {}

    /** Whether {@code v} is an online version. */
    static boolean online(SchemaVersion v) {
        return v.set().derived("online:" + v.label(), () -> ONLINE.matcher(v.migrationSql()).find());
    }

    /** The statements of online version {@code v}, in script order. */
    static List<Step> steps(SchemaVersion v) {
        return v.set().derived("online-steps:" + v.label(), () -> {
            List<Step> out = new ArrayList<>();
            int ordinal = 0;
            for (Script.Statement st : Script.parse(v.migrationSql())) {
                ordinal++;
                boolean batch = BATCH.matcher(st.sql()).find() && UPDATE_HEAD.matcher(st.display()).find();
                Map<String, String> locks = locks(st);
                boolean patient = locks.isEmpty() && st.effects().stream().anyMatch(e -> e.lockMode() != null);
                out.add(new Step(ordinal, st, batch, locks, patient));
            }
            return List.copyOf(out);
        });
    }

    /** The step Flyway is about to run: the first after {@code after} with the same text, comments aside. */
    static Step step(SchemaVersion v, String flywaySql, int after) {
        // Flyway hands callbacks the statement with its delimiter appended.
        String display = Script.strip(flywaySql, false).replaceAll("\\s*;$", "");
        for (Step s : steps(v)) {
            if (s.ordinal() > after && s.statement().display().equals(display)) {
                return s;
            }
        }
        return null;
    }

    /** The tables {@code st} locks in a mode that conflicts with application writes (SHARE or stronger). */
    static Map<String, String> locks(Script.Statement st) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Script.Effect e : st.effects()) {
            if (e.table() != null && e.lockMode() != null && !e.concurrently()) {
                stronger(out, e.table(), e.lockMode());
            }
            if (e.kind() == Script.Kind.ADD_FOREIGN_KEY && !e.columns().isEmpty()) {
                stronger(out, e.columns().get(0), Script.SHARE_ROW_EXCLUSIVE);
            }
        }
        Matcher m;
        if ((m = CREATE_TRIGGER.matcher(st.display())).find()) {
            stronger(out, Script.name(m.group(1)), Script.SHARE_ROW_EXCLUSIVE);
        } else if ((m = DROP_TRIGGER.matcher(st.display())).find()) {
            stronger(out, Script.name(m.group(1)), Script.ACCESS_EXCLUSIVE);
        }
        out.values().removeIf(mode -> MODES.indexOf(mode) < MODES.indexOf(Script.SHARE));
        return out;
    }

    private static void stronger(Map<String, String> locks, String table, String mode) {
        locks.merge(table, mode, (a, b) -> MODES.indexOf(a) >= MODES.indexOf(b) ? a : b);
    }

    /** Records that version {@code version} reached {@code step}; in autocommit, so a kill leaves it visible. */
    static void reached(Connection c, int version, Step step, String table) throws SQLException {
        reachedStatement(version, step, table).execute(c);
    }

    /** The row {@link #reached} upserts. */
    static Sql.Bound reachedStatement(int version, Step step, String table) {
        return new Sql.Bound("INSERT INTO " + EngineSchema.ONLINE_PROGRESS + " (version, step, phase, table_name) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (version, step) DO UPDATE SET phase = EXCLUDED.phase, updated_at = now()",
                version, step.ordinal(), step.phase(), table);
    }

    /** The online version above the recorded one that has started, with the phase that moved last. */
    static java.util.Optional<com.alphapulse.db.engine.StatusResult.InProgress> inProgress(Connection c, EngineSettings s,
            HistoryTable.State state) throws SQLException {
        if (!EngineSchema.relationExists(c, EngineSchema.ONLINE_PROGRESS)) {
            return java.util.Optional.empty();
        }
        Object[] r = Sql.row(c, "SELECT version, phase, table_name, rows_done, rows_total, updated_at FROM "
                + EngineSchema.ONLINE_PROGRESS + " WHERE version > ? ORDER BY updated_at DESC, step DESC LIMIT 1",
                state.current().number());
        if (r == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new com.alphapulse.db.engine.StatusResult.InProgress(
                com.alphapulse.db.migrations.Version.of(Sql.integer(r[0])), (String) r[1], (String) r[2],
                Sql.bigint(r[3]), Sql.bigint(r[4]), Sql.instant(r[5]), AdvisoryLock.held(c, s)));
    }

    /** Forgets the progress of versions the history records as applied (finished by plain Flyway, or stamped). */
    static void forgetApplied(Connection c, HistoryTable.State state) throws SQLException {
        if (EngineSchema.relationExists(c, EngineSchema.ONLINE_PROGRESS)) {
            forgetAppliedStatement(state).execute(c);
        }
    }

    /** What {@link #forgetApplied} deletes. */
    static Sql.Bound forgetAppliedStatement(HistoryTable.State state) {
        return new Sql.Bound("DELETE FROM " + EngineSchema.ONLINE_PROGRESS + " WHERE version <= ?", state.current().number());
    }

    /** Forgets where {@code version} stood: it is done. */
    static void finished(Connection c, int version) throws SQLException {
        finishedStatement(version).execute(c);
    }

    /** What {@link #finished} deletes. */
    static Sql.Bound finishedStatement(int version) {
        return new Sql.Bound("DELETE FROM " + EngineSchema.ONLINE_PROGRESS + " WHERE version = ?", version);
    }

    /** The session's lock_timeout, around a statement that may wait patiently (it blocks no one). */
    static Sql.Bound sessionLockTimeout(Duration d) {
        return new Sql.Bound("SELECT set_config('lock_timeout', ?, false)", Sql.millis(d));
    }

    private static Sql.Bound localLockTimeout(Duration d) {
        return new Sql.Bound("SELECT set_config('lock_timeout', ?, true)", Sql.millis(d));
    }

    private static Sql.Bound localStatementTimeout(Duration d) {
        return new Sql.Bound("SELECT set_config('statement_timeout', ?, true)", Sql.millis(d));
    }

    private static String lockTables(Map<String, String> locks) {
        return String.join(", ", locks.keySet().stream().map(Catalog::regclass).toList());
    }

    private static String lockTable(String tables, String mode) {
        return "LOCK TABLE " + tables + " IN " + mode + " MODE";
    }

    private static final String SAVEPOINT = "SAVEPOINT alphapulse_lock";
    private static final String RELEASE = "RELEASE SAVEPOINT alphapulse_lock";

    /**
     * The statements {@link #lockInTransaction} runs when its first try gets every lock, rendered from the same
     * producers (a try that times out is rolled back to the savepoint and repeated after a backoff).
     */
    static List<String> lockInTransactionStatements(EngineSettings s, Map<String, String> locks) {
        List<String> out = new ArrayList<>();
        out.add(localLockTimeout(s.statementTimeout()).inline());
        out.add(lockTable(lockTables(locks), Script.SHARE_UPDATE_EXCLUSIVE) + ";");
        out.add(localLockTimeout(s.lockTimeout()).inline());
        out.add(SAVEPOINT + ";");
        out.add(localStatementTimeout(s.lockTimeout()).inline());
        for (Map.Entry<String, String> l : locks.entrySet()) {
            if (!Script.SHARE_UPDATE_EXCLUSIVE.equals(l.getValue())) {
                out.add(lockTable(Catalog.regclass(l.getKey()), l.getValue()) + ";");
            }
        }
        out.add(localStatementTimeout(s.statementTimeout()).inline());
        out.add(RELEASE + ";");
        return out;
    }

    /**
     * Opens a transaction on {@code c} and takes {@code locks} as the class comment says; the caller commits
     * after the statement. Throws the last lock timeout (or deadlock) when the retries are used up.
     */
    static void lock(Connection c, EngineSettings s, Map<String, String> locks) throws SQLException {
        c.setAutoCommit(false);
        try {
            lockInTransaction(c, s, locks);
        } catch (SQLException | RuntimeException e) {
            Connections.rollbackQuietly(c);
            c.setAutoCommit(true);
            throw e;
        }
    }

    /**
     * {@link #lock} inside the caller's transaction (a transactional version's, before its first statement):
     * SHARE UPDATE EXCLUSIVE on every table first, patiently, then all strong modes at once in a savepoint with
     * the short timeout; a failed try releases only the strong locks it got, so the application is never
     * queued behind this transaction for longer than one lock timeout per try. The transaction-local
     * lock_timeout is the engine's again afterwards.
     */
    static void lockInTransaction(Connection c, EngineSettings s, Map<String, String> locks) throws SQLException {
        String tables = lockTables(locks);
        localLockTimeout(s.statementTimeout()).execute(c);
        Sql.execute(c, lockTable(tables, Script.SHARE_UPDATE_EXCLUSIVE));
        localLockTimeout(s.lockTimeout()).execute(c);
        // lock_timeout bounds each table's wait; statement_timeout, set to the same, bounds a try as a whole, so a
        // table granted early is not held through the waits for the next ones for longer than one lock timeout.
        for (int attempt = 1; ; attempt++) {
            Sql.execute(c, SAVEPOINT);
            try {
                localStatementTimeout(s.lockTimeout()).execute(c);
                for (Map.Entry<String, String> l : locks.entrySet()) {
                    if (!Script.SHARE_UPDATE_EXCLUSIVE.equals(l.getValue())) {
                        Sql.execute(c, lockTable(Catalog.regclass(l.getKey()), l.getValue()));
                    }
                }
                localStatementTimeout(s.statementTimeout()).execute(c);
                Sql.execute(c, RELEASE);
                return;
            } catch (SQLException e) {
                // The statement_timeout set above, not a cancel from outside (a signal to the CLI), which must stop the run.
                boolean cancelled = "57014".equals(e.getSQLState()) && !Thread.currentThread().isInterrupted()
                        && String.valueOf(e.getMessage()).contains("statement timeout");
                if (!(Errors.LOCK_STATES.contains(e.getSQLState()) || cancelled) || attempt > s.lockRetries()) {
                    throw e;
                }
                Sql.execute(c, "ROLLBACK TO SAVEPOINT alphapulse_lock");
                localStatementTimeout(s.statementTimeout()).execute(c);
                Duration wait = s.backoff(attempt);
                s.progress().accept("  " + (Errors.DEADLOCK.equals(e.getSQLState()) ? "deadlock" : "lock on " + tables
                        + " not granted within " + s.lockTimeout().toMillis() + " ms") + "; holding SHARE UPDATE EXCLUSIVE "
                        + "(blocks no one), retrying in " + wait.toMillis() + " ms");
                sleep(wait);
            }
        }
    }

    /**
     * The existing tables a transactional version will lock in a mode that blocks application writes, with the
     * strongest mode each, children before parents (the order the application takes them).
     */
    static Map<String, String> versionLocks(Connection c, SchemaVersion v) throws SQLException {
        return versionLocks(StepCatalog.live(c), v);
    }

    /** {@link #versionLocks(Connection, SchemaVersion)} on the catalog the version starts from (a dry run's later versions). */
    static Map<String, String> versionLocks(StepCatalog at, SchemaVersion v) throws SQLException {
        Map<String, String> all = new LinkedHashMap<>();
        for (Script.Statement st : Script.parse(v.migrationSql())) {
            locks(st).forEach((t, m) -> stronger(all, t, m));
        }
        Map<String, String> existing = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : all.entrySet()) {
            if (at.tableExists(e.getKey())) {
                existing.put(e.getKey(), e.getValue());
            }
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String t : Downgrader.childrenFirst(at, new java.util.LinkedHashSet<>(existing.keySet()))) {
            ordered.put(t, existing.get(t));
        }
        return ordered;
    }

    /** Ends the transaction {@link #lock} opened: commits what the statement did. */
    static void release(Connection c, boolean commit) throws SQLException {
        try {
            if (commit) {
                c.commit();
            } else {
                c.rollback();
            }
        } finally {
            c.setAutoCommit(true);
        }
    }

    /**
     * Runs batch step {@code step} of version {@code version} in primary-key ranges, each in a short
     * transaction of its own with its progress row, from where an earlier run stopped. Returns the rows it
     * changed, -1 when the statement cannot be batched (no single-column primary key): Flyway then runs it whole.
     */
    static long batches(Connection c, EngineSettings s, int version, Step step, List<com.alphapulse.db.engine.VersionRun.Phase> phases)
            throws SQLException {
        Matcher head = UPDATE_HEAD.matcher(step.statement().display());
        if (!head.find()) {
            return -1;
        }
        String table = Script.name(head.group(1));
        String alias = head.group(2) != null ? head.group(2) : head.group(1);
        List<String> pk = Archive.primaryKey(c, table);
        if (pk.size() != 1) {
            return -1;
        }
        String t = Catalog.regclass(table);
        KeyRange keys = KeyRange.of(c, t, alias, pk.get(0));
        String phase = "backfill " + table;
        Record saved = Sql.ctx(c).fetchOne("SELECT last_key, rows_done FROM " + EngineSchema.ONLINE_PROGRESS
                + " WHERE version = ? AND step = ?", version, step.ordinal());
        String lo = saved == null ? null : saved.get(0, String.class);
        long done = saved == null || saved.get(1) == null ? 0 : saved.get(1, Long.class);
        long total = Math.max(estimate(c, t), done);
        Sql.ctx(c).execute("UPDATE " + EngineSchema.ONLINE_PROGRESS + " SET phase = ?, rows_total = ?, table_name = ? "
                + "WHERE version = ? AND step = ?", phase, total, table, version, step.ordinal());
        if (lo != null) {
            s.progress().accept(String.format(Locale.US, "  resuming %s after %s = %s (%,d row(s) done)", phase, pk.get(0), lo, done));
        }
        String sql = step.statement().sql();
        int where = Script.topLevel(sql, "WHERE", 0);
        int returning = Script.topLevel(sql, "RETURNING", Math.max(where, 0));
        String body = where < 0 ? sql.substring(0, returning < 0 ? sql.length() : returning) : sql.substring(0, where);
        String condition = where < 0 ? null : sql.substring(where + 5, returning < 0 ? sql.length() : returning);
        int size = FIRST_BATCH;
        long changed = 0;
        long t0 = System.nanoTime();
        long lastLine = t0;
        long startDone = done;
        int retry = 0;
        while (true) {
            String hi = keys.next(c, lo, size);
            String batch = body + " WHERE (" + keys.range(lo, hi) + ")" + (condition == null ? "" : " AND (" + condition + "\n)");
            Interruptions.check("the batches of " + phase + " (done up to the last recorded key; it resumes there)");
            AdvisoryLock.requireHeldLately(c);
            long b0 = System.nanoTime();
            int rows;
            c.setAutoCommit(false);
            try {
                long passed = hi != null ? size : keys.countAfter(c, lo);
                rows = executeUpdate(c, batch);
                Sql.ctx(c).execute("UPDATE " + EngineSchema.ONLINE_PROGRESS + " SET last_key = ?, rows_done = rows_done + ?, "
                        + "updated_at = now() WHERE version = ? AND step = ?", hi == null ? lo : hi, passed, version, step.ordinal());
                c.commit();
                done += passed;
            } catch (SQLException e) {
                Connections.rollbackQuietly(c);
                c.setAutoCommit(true);
                if (!Errors.LOCK_STATES.contains(e.getSQLState()) || ++retry > s.lockRetries()) {
                    throw e;
                }
                Duration wait = s.backoff(retry);
                s.progress().accept("  " + phase + ": a batch waited too long for row locks; retrying it in " + wait.toMillis() + " ms");
                sleep(wait);
                continue;
            }
            c.setAutoCommit(true);
            retry = 0;
            changed += rows;
            long now = System.nanoTime();
            if (hi == null) {
                s.progress().accept(line(phase, done, Math.max(done, total), done - startDone, now - t0, true));
                phases.add(new com.alphapulse.db.engine.VersionRun.Phase(phase, done - startDone, Duration.ofNanos(now - t0)));
                return changed;
            }
            lo = hi;
            // The first batch is reported at once: that it works, and how fast, is what a DBA watches for.
            if (lastLine == t0 || now - lastLine > 2_000_000_000L) {
                s.progress().accept(line(phase, done, Math.max(done, total), done - startDone, now - t0, false));
                lastLine = now;
            }
            size = adapt(size, now - b0);
        }
    }

    /**
     * Ranges of a table's single-column primary key, for work done a batch at a time: the key's type is read
     * once, bounds travel as text and are compared as the key's type.
     *
     * @param table the table, as {@link Catalog#regclass} writes it
     * @param alias how the batch's statement names the table
     */
    record KeyRange(String table, String alias, String column, String type) {

        static KeyRange of(Connection c, String table, String alias, String column) throws SQLException {
            return new KeyRange(table, alias, column, String.valueOf(Sql.ctx(c).fetchValue("SELECT format_type(atttypid, atttypmod) "
                    + "FROM pg_attribute WHERE attrelid = to_regclass(?) AND attname = ?", table, column)));
        }

        /** The key {@code size} rows after {@code lo} (from the start when null), null when fewer are left. */
        String next(Connection c, String lo, int size) throws SQLException {
            // The text is named k: "ORDER BY id" would otherwise sort the output column, as text.
            return (String) Sql.ctx(c).fetchValue("SELECT " + Sql.ident(column) + "::text AS k FROM " + table + after(lo)
                    + " ORDER BY " + Sql.ident(column) + " OFFSET " + (size - 1) + " LIMIT 1");
        }

        /** The rows after {@code lo}: what the last range holds. */
        long countAfter(Connection c, String lo) throws SQLException {
            return ((Number) Sql.ctx(c).fetchValue("SELECT count(*) FROM " + table + after(lo))).longValue();
        }

        /** The condition {@code lo < key <= hi} on {@code alias}, either side open when null. */
        String range(String lo, String hi) {
            String key = alias + "." + Sql.ident(column);
            return (lo == null ? "true" : key + " > " + literal(lo, type)) + (hi == null ? "" : " AND " + key + " <= " + literal(hi, type));
        }

        private String after(String lo) {
            return lo == null ? "" : " WHERE " + Sql.ident(column) + " > " + literal(lo, type);
        }
    }

    /** The next batch size: scaled toward {@link #BATCH_TARGET}, at most doubled or halved at once. */
    static int adapt(int size, long nanos) {
        double factor = BATCH_TARGET.toNanos() / (double) Math.max(nanos, 1);
        factor = Math.max(0.5, Math.min(2.0, factor));
        return (int) Math.max(MIN_BATCH, Math.min(MAX_BATCH, Math.round(size * factor)));
    }

    /** A progress line: rows done of total, rate and ETA. */
    static String line(String phase, long done, long total, long thisRun, long nanos, boolean finished) {
        double seconds = Math.max(nanos / 1e9, 0.001);
        double rate = thisRun / seconds;
        String eta = finished ? String.format(Locale.ROOT, "done in %.1f s", seconds)
                : rate <= 0 ? "ETA unknown" : String.format(Locale.ROOT, "ETA %d s", Math.round((total - done) / rate));
        return String.format(Locale.US, "  %s: %,d / %,d row(s), %,d/s, %s", phase, done, total, Math.round(rate), eta);
    }

    /** The planner's row count of {@code t}, counted when it has none (never analysed). */
    static long estimate(Connection c, String t) throws SQLException {
        Object n = Sql.ctx(c).fetchValue("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(?)", t);
        long rows = n == null ? -1 : ((Number) n).longValue();
        if (rows < 0) {
            rows = ((Number) Sql.ctx(c).fetchValue("SELECT count(*) FROM " + t)).longValue();
        }
        return rows;
    }

    private static int executeUpdate(Connection c, String sql) throws SQLException {
        try (java.sql.Statement st = c.createStatement()) {
            st.setEscapeProcessing(false);
            return st.executeUpdate(sql);
        }
    }

    private static String literal(String value, String type) {
        return "'" + value.replace("'", "''") + "'::" + type;
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new com.alphapulse.db.engine.MigrationException(com.alphapulse.db.engine.MigrationException.Code.INTERRUPTED,
                    "interrupted while waiting to retry");
        }
    }
}
