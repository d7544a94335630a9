package com.alphapulse.db.engine.internal;

import com.alphapulse.db.engine.StatusResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.jooq.Record;

/**
 * The lossless archive: whatever an undo step drops that holds data, taken before the drop and put back
 * when the version is applied again. Generic, derived from the undo statements alone:
 *
 * <ul>
 *   <li>{@code DROP TABLE t}: every row of t, whole ({@code to_jsonb(t)} into {@code archive_rows}), with the
 *       table's privileges and its columns' privileges ({@code aclexplode}, into {@code archive_grants}) and
 *       where its serial/identity sequences stood ({@code archive_sequences}). Any table can be archived, with
 *       or without a primary key.</li>
 *   <li>{@code ALTER TABLE t DROP COLUMN c}: each row's value of c ({@code to_jsonb}), keyed by the row's
 *       primary key as jsonb (any type, composite too), with the table's pg_class oid, the single-column
 *       foreign key c had, and c's column privileges. Only a table with a primary key that does not include c
 *       can be archived this way: without a key a value cannot be given back to its row. Such a drop (and a
 *       column type change) is what the plan shows as not archivable, refused without accept-data-loss.</li>
 * </ul>
 *
 * <p>Archiving runs inside the undo's transaction after the downgrade has taken ACCESS EXCLUSIVE on every table
 * it reads, so no row changes between the archive and the drop. Each entry is tagged with the version whose
 * undo dropped it; the version's earlier archive is replaced.
 *
 * <p>The restore runs inside the re-applied version's transaction (see {@link RestoreCallback}): a re-created
 * table gets its rows back as soon as the script moves past the statements that only build or seed that table
 * (an upsert on the primary key, never a delete, so no ON DELETE CASCADE fires and a seeded row takes its
 * archived values; {@code OVERRIDING SYSTEM VALUE} for identity columns; generated columns are recomputed),
 * then its sequences are moved above both the restored keys and where they stood, and its privileges are
 * granted again (by the migrating user, who owns the new table). A re-added column gets its values right after
 * the statement that adds it, before the script's own backfill, which fills only what is still NULL and so
 * derives rows inserted while rolled back from already-restored parents. A settle pass at the end of the
 * version restores whatever the statements did not, re-asserts the column values (a later statement of the
 * script must not win), retires what was restored and counts what could not be.
 *
 * <p>A column value goes back only onto the same table (same oid; a table dropped and re-created by hand gets a
 * new one and reuses keys for other rows), onto a row that still exists, and, when the column had a foreign
 * key, with a parent row that still exists. When the engine itself restores a dropped table's rows, the column
 * archives bound to the dropped table follow the rows to the new table (for the keys that came back), so
 * {@code head -> base -> head} is exact. What cannot go back is skipped: counted, named per table and reason in
 * the journal, and kept, where status lists it. Privileges for a role that no longer exists are dropped from
 * the archive and named in the journal. An undo that drops a table without archiving it forgets every
 * archived column value of that table: the rows they belonged to are gone.
 */
final class Archive {

    static final String TENANTS = "tenants";
    static final String TENANT_ID = "tenant_id";

    private static final Pattern PRIVILEGE = Pattern.compile("[A-Z]+");

    /**
     * What the end of a version's restore found.
     *
     * @param restored archived rows and column values written back
     * @param skipped archived rows and column values that could not be written back and stay in the archive
     * @param skippedDetail per table: how many and why
     * @param notes other things worth journaling (privileges not granted again)
     */
    record Settled(long restored, long skipped, List<String> skippedDetail, List<String> notes) {}

    private Archive() {}

    /** Whether the archive keeps what {@code e} drops. */
    static boolean covers(Connection c, Script.Effect e) throws SQLException {
        return whyNot(c, e) == null;
    }

    /** Why the archive cannot keep what {@code e} drops or changes, null when it can. */
    static String whyNot(Connection c, Script.Effect e) throws SQLException {
        return switch (e.kind()) {
            case DROP_TABLE -> null;
            case DROP_COLUMN -> {
                List<String> pk = primaryKey(c, e.table());
                if (pk.isEmpty()) {
                    yield "table " + e.table() + " has no primary key to give the values back to their rows";
                }
                yield pk.contains(e.name()) ? e.name() + " is part of the primary key of " + e.table() : null;
            }
            case ALTER_COLUMN_TYPE -> "a type change converts the values in place";
            default -> null;
        };
    }

    /** Refuses (42501) work outside a locked transaction on tables whose rows row-level security hides from the user. */
    static void requireEveryTenant(Connection c, Collection<String> tables) throws SQLException {
        List<String> hidden = com.alphapulse.db.migrations.RowSecurity.filtered(c, new ArrayList<>(new LinkedHashSet<>(tables)));
        if (!hidden.isEmpty()) {
            throw new SQLException("row-level security hides other tenants' rows of " + String.join(", ", hidden)
                    + " from this user, and outside a locked transaction the engine cannot lift it; run this step as a "
                    + "role that bypasses row-level security", com.alphapulse.db.migrations.RowSecurity.INSUFFICIENT_PRIVILEGE);
        }
    }

    /**
     * Runs {@code work} so that it reads and writes every tenant's rows of {@code tables}, inside the caller's
     * transaction, which must hold ACCESS EXCLUSIVE on them. FORCE ROW LEVEL SECURITY subjects the owner to the
     * policies, and an archive or restore that saw one tenant's rows (or none, unscoped) would lose the others'
     * for good without an error. So a forced table is switched to NO FORCE for the work and back to FORCE before
     * the transaction ends: the lock hides the interval from every other session, and the committed catalog is
     * unchanged. Refused (42501) where that cannot help: outside a transaction, or a table row-level security
     * filters because the user does not own it.
     */
    /** The statement that lifts FORCE ROW LEVEL SECURITY from {@code table} for the transaction, or puts it back. */
    static String rowSecurity(String table, boolean force) {
        return "ALTER TABLE " + Catalog.regclass(table) + (force ? " FORCE" : " NO FORCE") + " ROW LEVEL SECURITY";
    }

    static <T> T acrossTenants(Connection c, Collection<String> tables, Sql.Work<T> work) throws SQLException {
        return acrossTenants(c, tables, Set.of(), work);
    }

    /**
     * {@link #acrossTenants(Connection, Collection, Work)}, where {@code work} itself sets the row security of the
     * tables in {@code ownRowSecurity} (an undo of 008): those are not forced again afterwards.
     */
    static <T> T acrossTenants(Connection c, Collection<String> tables, Set<String> ownRowSecurity, Sql.Work<T> work)
            throws SQLException {
        List<String> hidden = StepCatalog.live(c).rowSecurityFiltered(tables);
        if (hidden.isEmpty()) {
            return work.run();
        }
        if (c.getAutoCommit()) {
            requireEveryTenant(c, hidden);
        }
        List<String> lifted = new ArrayList<>();
        for (String t : hidden) {
            Sql.execute(c, rowSecurity(t, false));
            lifted.add(t);
        }
        List<String> still = com.alphapulse.db.migrations.RowSecurity.filtered(c, hidden);
        if (!still.isEmpty()) {
            throw new SQLException("row-level security hides other tenants' rows of " + String.join(", ", still)
                    + " from this user, who does not own them; archiving or restoring them would miss rows",
                    com.alphapulse.db.migrations.RowSecurity.INSUFFICIENT_PRIVILEGE);
        }
        T result = work.run();
        for (String t : forcedAgain(lifted, ownRowSecurity, StepCatalog.live(c))) {
            Sql.execute(c, rowSecurity(t, true));
        }
        return result;
    }

    /**
     * The tables of {@code lifted} that are forced again once the work is done: not those whose row security the work
     * sets itself ({@code ownRowSecurity}, an undo of 008), nor those it dropped, as {@code after} (the catalog the work
     * leaves) tells.
     */
    static List<String> forcedAgain(List<String> lifted, Set<String> ownRowSecurity, StepCatalog after) throws SQLException {
        List<String> out = new ArrayList<>();
        for (String t : lifted) {
            if (!ownRowSecurity.contains(t) && after.tableExists(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * Archives, for version {@code version}, what the statements are about to drop; the version's earlier
     * archive is replaced, as it describes older data. Returns the rows and column values archived. The caller
     * holds ACCESS EXCLUSIVE on every table read here, so no row can change between the archive and the drop.
     */
    static long archive(Connection c, int version, List<Script.Statement> statements, java.util.function.Consumer<String> progress)
            throws SQLException {
        return archive(c, version, statements, progress, new Prearchived(java.util.Map.of(), null));
    }

    /** {@link #archive} where {@code pre} was archived ahead of the transaction: only caught up here. */
    static long archive(Connection c, int version, List<Script.Statement> statements, java.util.function.Consumer<String> progress,
            Prearchived pre) throws SQLException {
        if (pre.columns().isEmpty()) {
            discard(c, version);
        } else {
            discardExcept(c, version, pre, statements);
        }
        Set<String> droppedTables = new LinkedHashSet<>();
        for (Script.Statement st : statements) {
            for (Script.Effect e : st.effects()) {
                if (e.kind() == Script.Kind.DROP_TABLE) {
                    droppedTables.add(e.table());
                }
            }
        }
        Set<String> read = new LinkedHashSet<>();
        for (Script.Statement st : statements) {
            for (Script.Effect e : st.effects()) {
                if ((e.kind() == Script.Kind.DROP_TABLE || e.kind() == Script.Kind.DROP_COLUMN) && Catalog.tableExists(c, e.table())) {
                    read.add(e.table());
                }
            }
        }
        return acrossTenants(c, read, () -> archiveAll(c, version, statements, progress, pre, droppedTables));
    }

    private static long archiveAll(Connection c, int version, List<Script.Statement> statements,
            java.util.function.Consumer<String> progress, Prearchived pre, Set<String> droppedTables) throws SQLException {
        long rows = 0;
        Set<String> done = new LinkedHashSet<>();
        for (Script.Statement st : statements) {
            for (Script.Effect e : st.effects()) {
                if (e.kind() == Script.Kind.DROP_TABLE && Catalog.tableExists(c, e.table()) && done.add(e.table())) {
                    rows += StepProgress.timed(progress, "archived table " + e.table(), "row(s)", () -> archiveTable(c, version, e.table()));
                } else if (e.kind() == Script.Kind.DROP_COLUMN && pre.covers(e.table(), e.name())) {
                    if (done.add(e.table() + "." + e.name()) && done.add("catch-up:" + e.table())) {
                        long n = pre.columns().get(e.table()).size();
                        rows += StepProgress.timed(progress, "caught up " + e.table() + " (" + n + " column(s) archived online, "
                                + "rows changed since re-archived under the lock)", "value(s)",
                                () -> catchUp(c, version, new Prearchived(java.util.Map.of(e.table(), pre.columns().get(e.table())),
                                        pre.since(), 0, pre.values())));
                    }
                } else if (e.kind() == Script.Kind.DROP_COLUMN && !droppedTables.contains(e.table()) && covers(c, e)
                        && Catalog.columnExists(c, e.table(), e.name()) && done.add(e.table() + "." + e.name())) {
                    rows += StepProgress.timed(progress, "archived " + e.table() + "." + e.name(), "value(s)", () -> archiveColumn(c, version, e.table(), e.name()));
                }
            }
        }
        return rows;
    }

    private static long archiveTable(Connection c, int version, String table) throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        String t = Catalog.regclass(table);
        List<String> pk = primaryKey(c, table);
        long rows = ctx.execute("INSERT INTO " + EngineSchema.ARCHIVE_ROWS + " (version, table_name, table_oid, pk, row_data) "
                + "SELECT ?, ?, to_regclass(?)::oid, " + (pk.isEmpty() ? "NULL" : pkJson("t", pk)) + ", to_jsonb(t) FROM "
                + t + " t" + (pk.isEmpty() ? "" : " ORDER BY " + columnList("t", pk)), version, table, t);
        archiveGrants(c, version, table, null);
        for (String column : columns(c, table).keySet()) {
            Object seq = ctx.fetchValue("SELECT pg_get_serial_sequence(?, ?)", t, column);
            if (seq != null) {
                Record r = ctx.fetchOne("SELECT last_value, is_called FROM " + seq);
                ctx.execute("INSERT INTO " + EngineSchema.ARCHIVE_SEQUENCES + " (version, table_name, column_name, last_value, "
                        + "is_called) VALUES (?, ?, ?, ?, ?)", version, table, column, r.get(0, Long.class), r.get(1, Boolean.class));
                ctx.execute("INSERT INTO " + EngineSchema.ARCHIVE_SEQUENCE_GRANTS + " (version, table_name, column_name, grantee, "
                        + "privilege, grantable) SELECT ?, ?, ?, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END, "
                        + "a.privilege_type, bool_or(a.is_grantable) FROM pg_class k CROSS JOIN LATERAL aclexplode(k.relacl) a "
                        + "WHERE k.oid = ?::regclass AND a.grantee <> k.relowner GROUP BY 4, 5", version, table, column, seq.toString());
            }
        }
        ctx.execute("INSERT INTO " + EngineSchema.ARCHIVE_OWNERS + " (version, table_name, owner) SELECT ?, ?, pg_get_userbyid(relowner) "
                + "FROM pg_class WHERE oid = to_regclass(?) AND relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)",
                version, table, t);
        return rows;
    }

    private static long archiveColumn(Connection c, int version, String table, String column) throws SQLException {
        long rows = archiveColumnRows(c, version, table, column, null, null);
        archiveGrants(c, version, table, column);
        return rows;
    }

    /**
     * Copies {@code table.column}'s values into the archive: every row, or with {@code join} only the rows it
     * joins ({@code t} the table), and with {@code where} only those it selects; rows archived before are
     * overwritten. Returns the values written.
     */
    private static long archiveColumnRows(Connection c, int version, String table, String column, String join, String where)
            throws SQLException {
        return ColumnCopy.of(c, table, column).copy(c, version, join, where);
    }

    /**
     * How one column's values are copied into the archive: its catalog facts (default, generated, the foreign
     * keys it is part of) are read once, so that a batched copy repeats only the INSERT.
     */
    private record ColumnCopy(String table, String column, String t, List<String> pk, boolean generated, boolean withNulls,
            String refTable, String refColumn, String refKeys) {

        static ColumnCopy of(Connection c, String table, String column) throws SQLException {
            DSLContext ctx = Sql.ctx(c);
            String t = Catalog.regclass(table);
            List<String> pk = primaryKey(c, table);
            Record col = ctx.fetchOne("SELECT atthasdef, attgenerated <> '' FROM pg_attribute WHERE attrelid = to_regclass(?) "
                    + "AND attname = ? AND NOT attisdropped", t, column);
            Record ref = ctx.fetchOne("SELECT CASE WHEN n.nspname = 'public' THEN r.relname ELSE n.nspname || '.' || r.relname END, "
                    + "ra.attname FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] "
                    + "JOIN pg_class r ON r.oid = k.confrelid JOIN pg_namespace n ON n.oid = r.relnamespace "
                    + "JOIN pg_attribute ra ON ra.attrelid = k.confrelid AND ra.attnum = k.confkey[1] "
                    + "WHERE k.conrelid = to_regclass(?) AND k.contype = 'f' AND cardinality(k.conkey) = 1 AND a.attname = ? "
                    + "ORDER BY k.conname LIMIT 1", t, column);
            // Every foreign key c is part of, composite ones too, as [{"table": parent, "columns": {local: referenced}}].
            Object refKeys = ctx.fetchValue("SELECT jsonb_agg(jsonb_build_object('table', CASE WHEN n.nspname = 'public' THEN r.relname "
                    + "ELSE n.nspname || '.' || r.relname END, 'columns', (SELECT jsonb_object_agg(la.attname, ra.attname) FROM "
                    + "unnest(k.conkey, k.confkey) u (l, f) JOIN pg_attribute la ON la.attrelid = k.conrelid AND la.attnum = u.l "
                    + "JOIN pg_attribute ra ON ra.attrelid = k.confrelid AND ra.attnum = u.f)) ORDER BY k.conname)::text "
                    + "FROM pg_constraint k JOIN pg_class r ON r.oid = k.confrelid JOIN pg_namespace n ON n.oid = r.relnamespace "
                    + "WHERE k.conrelid = to_regclass(?) AND k.contype = 'f' AND (SELECT attnum FROM pg_attribute WHERE attrelid = k.conrelid "
                    + "AND attname = ? AND NOT attisdropped) = ANY (k.conkey)", t, column);
            String refTable = ref != null ? ref.get(0, String.class) : refKeys == null ? null
                    : String.valueOf(ctx.fetchValue("SELECT ?::jsonb -> 0 ->> 'table'", refKeys.toString()));
            // NULLs hold nothing, unless the column has a default: re-adding it would fill the default where NULL was.
            return new ColumnCopy(table, column, t, pk, col.get(1, Boolean.class), col.get(0, Boolean.class), refTable,
                    ref == null ? null : ref.get(1, String.class), refKeys == null ? null : refKeys.toString());
        }

        /**
         * Copies the values: every row, or with {@code join} only the rows it joins ({@code t} the table), and with
         * {@code where} only those it selects; rows archived before are overwritten. Returns the values written.
         */
        long copy(Connection c, int version, String join, String where) throws SQLException {
            if (generated) {
                return 0; // a generated column is recomputed when it is added again: nothing to keep
            }
            List<String> conditions = new ArrayList<>();
            if (!withNulls) {
                conditions.add("t." + Sql.ident(column) + " IS NOT NULL");
            }
            if (where != null) {
                conditions.add(where);
            }
            return Sql.ctx(c).execute("INSERT INTO " + EngineSchema.ARCHIVE_COLUMNS + " (version, table_name, column_name, table_oid, "
                    + "pk, value, ref_table, ref_column, ref_keys) SELECT ?, ?, ?, to_regclass(?)::oid, " + pkJson("t", pk) + ", to_jsonb(t."
                    + Sql.ident(column) + "), ?, ?, ?::jsonb FROM " + (join == null ? t + " t" : join)
                    + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions))
                    + " ON CONFLICT (version, table_name, column_name, pk) DO UPDATE SET table_oid = EXCLUDED.table_oid, "
                    + "value = EXCLUDED.value, ref_table = EXCLUDED.ref_table, ref_column = EXCLUDED.ref_column, "
                    + "ref_keys = EXCLUDED.ref_keys, archived_at = now()",
                    version, table, column, t, refTable, refColumn, refKeys);
        }
    }

    /** Columns a downgrade archived ahead of its transaction, and since when (see {@link #prearchive}). */
    record Prearchived(java.util.Map<String, List<String>> columns, String since, long rows,
            java.util.Map<String, Long> values) {

        Prearchived(java.util.Map<String, List<String>> columns, String since) {
            this(columns, since, 0, java.util.Map.of());
        }

        boolean covers(String table, String column) {
            return columns.getOrDefault(table, List.of()).contains(column);
        }
    }

    static final String DELTA_TRIGGER = "alphapulse_archive_delta";

    /**
     * The online part of a downgrade's archive, before its exclusive locks: for every column the undo drops
     * (and the engine can archive), a trigger first records the key of each row the application inserts,
     * updates or deletes from now on; then the column's values are copied in primary-key ranges, one short
     * autocommit statement each, which block nobody. Under the lock, {@link #archive} then only has to
     * re-archive the rows the trigger recorded: the exclusive window is proportional to the rows changed
     * meanwhile, not to the table. Tables without a single-column primary key are left to {@link #archive}.
     * The trigger is taken with {@link Online#lock}: SHARE UPDATE EXCLUSIVE first, then its SHARE ROW
     * EXCLUSIVE with the short lock timeout.
     */
    static Prearchived prearchive(Connection c, EngineSettings s, int version, List<Script.Statement> statements)
            throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        // what a killed online archive set aside goes back first: it is still this version's archive
        putBack(c, version);
        String since = (String) ctx.fetchValue("SELECT statement_timestamp()::text");
        java.util.Map<String, List<String>> columns = new java.util.LinkedHashMap<>();
        Set<String> droppedTables = new LinkedHashSet<>();
        for (Script.Statement st : statements) {
            for (Script.Effect e : st.effects()) {
                if (e.kind() == Script.Kind.DROP_TABLE) {
                    droppedTables.add(e.table());
                }
            }
        }
        for (Script.Statement st : statements) {
            for (Script.Effect e : st.effects()) {
                // A table row-level security filters for this user is left to the locked archive, which lifts it
                // (acrossTenants); copied here, other tenants' values would be missing.
                if (e.kind() == Script.Kind.DROP_COLUMN && !droppedTables.contains(e.table()) && Catalog.columnExists(c, e.table(), e.name())
                        && covers(c, e) && primaryKey(c, e.table()).size() == 1
                        && com.alphapulse.db.migrations.RowSecurity.filtered(c, List.of(e.table())).isEmpty()
                        && !columns.getOrDefault(e.table(), List.of()).contains(e.name())) {
                    columns.computeIfAbsent(e.table(), k -> new ArrayList<>()).add(e.name());
                }
            }
        }
        for (java.util.Map.Entry<String, List<String>> t : columns.entrySet()) {
            String table = Catalog.regclass(t.getKey());
            List<String> pk = primaryKey(c, t.getKey());
            ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_DELTA + " WHERE table_oid = to_regclass(?)::oid", table);
            Online.lock(c, s, java.util.Map.of(t.getKey(), Script.SHARE_ROW_EXCLUSIVE));
            try {
                List<String> watched = new ArrayList<>(pk);
                watched.addAll(t.getValue());
                Sql.execute(c, "CREATE OR REPLACE TRIGGER " + DELTA_TRIGGER + " AFTER INSERT OR DELETE OR UPDATE OF "
                        + columnList(null, watched) + " ON " + table + " FOR EACH ROW EXECUTE FUNCTION " + EngineSchema.SCHEMA
                        + ".record_delta(" + pk.stream().map(Archive::literal).collect(java.util.stream.Collectors.joining(", ")) + ")");
                Online.release(c, true);
            } catch (SQLException | RuntimeException e) {
                Online.release(c, false);
                throw e;
            }
        }
        long copied = 0;
        java.util.Map<String, Long> values = new java.util.HashMap<>();
        for (java.util.Map.Entry<String, List<String>> t : columns.entrySet()) {
            String table = Catalog.regclass(t.getKey());
            Online.KeyRange keys = Online.KeyRange.of(c, table, "t", primaryKey(c, t.getKey()).get(0));
            long total = Online.estimate(c, table);
            for (String column : t.getValue()) {
                ColumnCopy copy = ColumnCopy.of(c, t.getKey(), column);
                String what = "archive " + t.getKey() + "." + column + " (online)";
                long t0 = System.nanoTime();
                long last = t0;
                String lo = null;
                int size = Online.FIRST_BATCH;
                long passed = 0;
                while (true) {
                    Interruptions.check("the next batch of " + what);
                    AdvisoryLock.requireHeldLately(c);
                    String hi = keys.next(c, lo, size);
                    long b0 = System.nanoTime();
                    long n = copy.copy(c, version, null, keys.range(lo, hi));
                    copied += n;
                    values.merge(t.getKey() + "." + column, n, Long::sum);
                    passed += size;
                    long now = System.nanoTime();
                    if (hi == null) {
                        s.progress().accept(Online.line(what, total, total, total, now - t0, true));
                        break;
                    }
                    if (last == t0 || now - last > 2_000_000_000L) {
                        s.progress().accept(Online.line(what, Math.min(passed, total), Math.max(total, passed), passed, now - t0, false));
                        last = now;
                    }
                    lo = hi;
                    size = Online.adapt(size, now - b0);
                }
            }
        }
        // What this version archived before (a previous rollback's values that could not be restored, an
        // interrupted downgrade's copy) describes older data: gone here, where it scans without blocking anyone,
        // rather than under the lock.
        // They are set aside (version negated) rather than deleted: the downgrade's transaction deletes them, by
        // that key, only when it commits; a failed downgrade puts them back (abandonPrearchive), and so does the
        // next online archive after a killed one.
        if (!columns.isEmpty()) {
            ctx.execute("UPDATE " + EngineSchema.ARCHIVE_COLUMNS + " SET version = -version WHERE version = ? "
                    + "AND archived_at < ?::timestamptz", version, since);
        }
        return new Prearchived(columns, since, copied, values);
    }

    /**
     * Under the exclusive lock: brings the pre-archived columns up to date with what changed since (the rows
     * the trigger recorded), forgets archived values older than the pre-archive (rows gone before it began),
     * and drops the trigger. Returns the archived values of those columns.
     */
    static long catchUp(Connection c, int version, Prearchived p) throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        long rows = 0;
        for (java.util.Map.Entry<String, List<String>> t : p.columns().entrySet()) {
            String table = Catalog.regclass(t.getKey());
            List<String> pk = primaryKey(c, t.getKey());
            Sql.execute(c, "DROP TRIGGER IF EXISTS " + DELTA_TRIGGER + " ON " + table);
            String delta = EngineSchema.ARCHIVE_DELTA + " a JOIN " + table + " t ON " + keyMatch(c, t.getKey(), pk)
                    + " AND a.table_oid = " + "to_regclass(" + literal(table) + ")::oid";
            for (String column : t.getValue()) {
                // Only the rows the trigger recorded, by key: nothing here scans the table or the archive.
                long gone = ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_COLUMNS + " x USING " + EngineSchema.ARCHIVE_DELTA + " a "
                        + "WHERE x.version = ? AND x.table_name = ? AND x.column_name = ? AND a.table_oid = to_regclass(?)::oid "
                        + "AND x.pk = a.pk", version, t.getKey(), column, table);
                long again = archiveColumnRows(c, version, t.getKey(), column, delta, null);
                archiveGrants(c, version, t.getKey(), column);
                rows += p.values().getOrDefault(t.getKey() + "." + column, 0L) - gone + again;
            }
            ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_DELTA + " WHERE table_oid = to_regclass(?)::oid", table);
        }
        return rows;
    }

    /** Drops what {@link #prearchive} left when the downgrade did not get to {@link #catchUp}: triggers and deltas. */
    static void abandonPrearchive(Connection c, EngineSettings s, int version, Prearchived p) throws SQLException {
        if (version > 0) {
            putBack(c, version);
        }
        for (String t : p.columns().keySet()) {
            String table = Catalog.regclass(t);
            if (!Catalog.tableExists(c, t)) {
                continue;
            }
            Online.lock(c, s, java.util.Map.of(t, Script.ACCESS_EXCLUSIVE));
            try {
                Sql.execute(c, "DROP TRIGGER IF EXISTS " + DELTA_TRIGGER + " ON " + table);
                Sql.ctx(c).execute("DELETE FROM " + EngineSchema.ARCHIVE_DELTA + " WHERE table_oid = to_regclass(?)::oid", table);
                Online.release(c, true);
            } catch (SQLException | RuntimeException e) {
                Online.release(c, false);
                throw e;
            }
        }
    }

    /** Returns the entries {@link #prearchive} set aside (version negated) to {@code version}, unless a newer one has their key. */
    private static void putBack(Connection c, int version) throws SQLException {
        Sql.ctx(c).execute("UPDATE " + EngineSchema.ARCHIVE_COLUMNS + " a SET version = -a.version WHERE a.version = ? "
                + "AND NOT EXISTS (SELECT 1 FROM " + EngineSchema.ARCHIVE_COLUMNS + " x WHERE x.version = ? AND x.table_name = a.table_name "
                + "AND x.column_name = a.column_name AND x.pk = a.pk)", -version, version);
    }

    /** The tables an interrupted online archive left its delta trigger on. */
    static List<String> deltaTriggerTables(Connection c) throws SQLException {
        return Sql.rows(c, "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = ? ORDER BY 1", DELTA_TRIGGER)
                .stream().map(r -> (String) r[0]).toList();
    }

    /** Drops every delta trigger an interrupted online archive left; returns the tables it was on. */
    static List<String> dropDeltaTriggers(Connection c, EngineSettings s) throws SQLException {
        List<String> tables = deltaTriggerTables(c);
        for (String table : tables) {
            abandonPrearchive(c, s, 0, new Prearchived(java.util.Map.of(Script.name(table), List.of()), null));
        }
        return tables;
    }

    /** The privileges others hold on the table and its columns (only on {@code column} when given). */
    private static void archiveGrants(Connection c, int version, String table, String column) throws SQLException {
        String grantee = "CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END";
        String tableAcl = "SELECT '' AS col, " + grantee + " AS grantee, a.privilege_type AS priv, a.is_grantable AS g "
                + "FROM pg_class k CROSS JOIN LATERAL aclexplode(k.relacl) a WHERE k.oid = to_regclass(?) AND a.grantee <> k.relowner";
        String columnAcl = "SELECT att.attname::text, " + grantee + ", a.privilege_type, a.is_grantable FROM pg_attribute att "
                + "JOIN pg_class k ON k.oid = att.attrelid CROSS JOIN LATERAL aclexplode(att.attacl) a WHERE att.attrelid = to_regclass(?) "
                + "AND att.attnum > 0 AND NOT att.attisdropped AND a.grantee <> k.relowner AND (?::text IS NULL OR att.attname = ?::text)";
        String t = Catalog.regclass(table);
        String insert = "INSERT INTO " + EngineSchema.ARCHIVE_GRANTS + " (version, table_name, column_name, grantee, privilege, "
                + "grantable) SELECT ?, ?, col, grantee, priv, bool_or(g) FROM (";
        if (column == null) {
            Sql.ctx(c).execute(insert + tableAcl + " UNION ALL " + columnAcl + ") x GROUP BY col, grantee, priv",
                    version, table, t, t, null, null);
        } else {
            Sql.ctx(c).execute(insert + columnAcl + ") x (col, grantee, priv, g) GROUP BY col, grantee, priv",
                    version, table, t, column, column);
        }
    }

    /**
     * Forgets what can no longer apply once the statements have dropped their tables: for each dropped table,
     * the rows, privileges and sequences other versions archived of it (a table can only be re-created once,
     * so they are stale), and its archived column values: all of them when the drop is not archived (the rows
     * they belong to are gone for good), else those bound to another table of that name (re-created by hand,
     * they can never apply). Archived column values bound to this very table are kept: they follow its
     * archived rows. Returns the rows forgotten.
     */
    static long forgetDroppedTables(Connection c, int version, List<Script.Statement> statements, boolean archiving)
            throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        long rows = 0;
        Set<String> seen = new LinkedHashSet<>();
        for (Script.Statement st : statements) {
            for (Script.Effect e : st.effects()) {
                if (e.kind() != Script.Kind.DROP_TABLE || !seen.add(e.table())) {
                    continue;
                }
                rows += ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_ROWS + " WHERE table_name = ? AND version <> ?",
                        e.table(), version);
                // Column privileges go with their archived column values: kept when those are.
                ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_GRANTS + " WHERE table_name = ? AND version <> ? "
                        + "AND (column_name = '' OR NOT ?)", e.table(), version, archiving);
                ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_SEQUENCES + " WHERE table_name = ? AND version <> ?",
                        e.table(), version);
                ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_SEQUENCE_GRANTS + " WHERE table_name = ? AND version <> ?",
                        e.table(), version);
                ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_OWNERS + " WHERE table_name = ? AND version <> ?",
                        e.table(), version);
                rows += ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_COLUMNS + " WHERE table_name = ? AND (NOT ? "
                        + "OR table_oid IS DISTINCT FROM to_regclass(?)::oid)", e.table(), archiving, Catalog.regclass(e.table()));
            }
        }
        return rows;
    }

    /**
     * {@link #discard}, keeping the column values {@code pre} archived ahead of the transaction (whose older
     * entries {@link #prearchive} already dropped): only what this transaction archives again is deleted, by
     * its key prefix, so nothing here reads the pre-archived values.
     */
    private static void discardExcept(Connection c, int version, Prearchived pre, List<Script.Statement> statements)
            throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        for (String table : tables()) {
            if (!table.equals(EngineSchema.ARCHIVE_COLUMNS)) {
                ctx.execute("DELETE FROM " + table + " WHERE version = ?", version);
            }
        }
        ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_COLUMNS + " WHERE version = ?", -version);
        for (Script.Statement st : statements) {
            for (Script.Effect e : st.effects()) {
                if (e.kind() == Script.Kind.DROP_TABLE) {
                    ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_COLUMNS + " WHERE version = ? AND table_name = ?", version, e.table());
                } else if (e.kind() == Script.Kind.DROP_COLUMN && !pre.covers(e.table(), e.name())) {
                    ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_COLUMNS + " WHERE version = ? AND table_name = ? "
                            + "AND column_name = ?", version, e.table(), e.name());
                }
            }
        }
    }

    /** Drops the archive of {@code version} (a downgrade without archiving must not leave older values). */
    static void discard(Connection c, int version) throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        for (String table : tables()) {
            ctx.execute("DELETE FROM " + table + " WHERE version = ?", version);
        }
    }

    /**
     * Drops the archives of every version above {@code version}: a stamp says those versions were never
     * applied here, so what their undo archived no longer describes this database. Returns the rows dropped.
     */
    static long discardAbove(Connection c, int version) throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        long rows = ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_ROWS + " WHERE version > ?", version)
                + ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_COLUMNS + " WHERE version > ?", version);
        ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_GRANTS + " WHERE version > ?", version);
        ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_SEQUENCES + " WHERE version > ?", version);
        ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_SEQUENCE_GRANTS + " WHERE version > ?", version);
        ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_OWNERS + " WHERE version > ?", version);
        return rows;
    }

    static List<String> tables() {
        return List.of(EngineSchema.ARCHIVE_ROWS, EngineSchema.ARCHIVE_COLUMNS, EngineSchema.ARCHIVE_GRANTS,
                EngineSchema.ARCHIVE_SEQUENCES, EngineSchema.ARCHIVE_SEQUENCE_GRANTS, EngineSchema.ARCHIVE_OWNERS);
    }

    /** Whether {@code version} has anything archived. */
    static boolean has(Connection c, int version) throws SQLException {
        return Boolean.TRUE.equals(Sql.ctx(c).fetchValue("SELECT EXISTS (SELECT 1 FROM " + EngineSchema.ARCHIVE_ROWS
                + " WHERE version = ?) OR EXISTS (SELECT 1 FROM " + EngineSchema.ARCHIVE_COLUMNS + " WHERE version = ?) "
                + "OR EXISTS (SELECT 1 FROM " + EngineSchema.ARCHIVE_GRANTS + " WHERE version = ?) "
                + "OR EXISTS (SELECT 1 FROM " + EngineSchema.ARCHIVE_SEQUENCES + " WHERE version = ?) "
                + "OR EXISTS (SELECT 1 FROM " + EngineSchema.ARCHIVE_OWNERS + " WHERE version = ?)", version, version, version, version,
                version));
    }

    /**
     * Whether {@code version} archived anything of the dropped table {@code table} itself: rows, or where its
     * sequences stood (an empty table has no rows, but its ids must still not be handed out again).
     */
    static boolean hasTable(Connection c, int version, String table) throws SQLException {
        return Boolean.TRUE.equals(Sql.ctx(c).fetchValue("SELECT EXISTS (SELECT 1 FROM " + EngineSchema.ARCHIVE_ROWS
                + " WHERE version = ? AND table_name = ?) OR EXISTS (SELECT 1 FROM " + EngineSchema.ARCHIVE_SEQUENCES
                + " WHERE version = ? AND table_name = ?)", version, table, version, table));
    }

    /** How many rows of {@code table} version {@code version} archived whole (what a restore of the table writes). */
    /** The archived values of {@code table.column} for {@code version}. */
    static long archivedValues(Connection c, int version, String table, String column) throws SQLException {
        return ((Number) Sql.ctx(c).fetchValue("SELECT count(*) FROM " + EngineSchema.ARCHIVE_COLUMNS
                + " WHERE version = ? AND table_name = ? AND column_name = ?", version, table, column)).longValue();
    }

    static long archivedRows(Connection c, int version, String table) throws SQLException {
        return ((Number) Sql.ctx(c).fetchValue("SELECT count(*) FROM " + EngineSchema.ARCHIVE_ROWS
                + " WHERE version = ? AND table_name = ?", version, table)).longValue();
    }

    /**
     * Puts the archived rows of {@code table} for {@code version} back into the re-created table: upsert on the
     * primary key (a row the migration seeded takes its archived values), never a delete, so no ON DELETE
     * CASCADE can fire; plain inserts for a table without a primary key, so run it once per version. Then moves
     * the archived column values of the dropped table over to the new one, for the keys that came back, sets
     * the sequences above the restored keys and grants the archived privileges again. Returns the rows written, for progress lines; counting and retiring are
     * {@link #settle}'s.
     */
    static List<String> restoreTable(Connection c, int version, String table) throws SQLException {
        return restoreTable(c, version, table, true);
    }

    /**
     * As {@link #restoreTable(Connection, int, String)}; {@code beforeTheScriptMovesOn} false (the end-of-version
     * pass) keeps seeded rows: by then later statements of the script may reference them, and deleting one could
     * cascade to other tables' rows. A seed that collides with an archived row on another unique key then fails
     * the version's transaction, which rolls back whole.
     */
    static List<String> restoreTable(Connection c, int version, String table, boolean beforeTheScriptMovesOn)
            throws SQLException {
        return acrossTenants(c, List.of(table), () -> restoreTableRows(c, version, table, beforeTheScriptMovesOn));
    }

    private static List<String> restoreTableRows(Connection c, int version, String table, boolean beforeTheScriptMovesOn)
            throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        String t = Catalog.regclass(table);
        List<String> notes = new ArrayList<>();
        Object sample = ctx.fetchValue("SELECT row_data::text FROM " + EngineSchema.ARCHIVE_ROWS + " WHERE version = ? AND "
                + "table_name = ? LIMIT 1", version, table);
        if (sample != null) {
            Set<String> archivedKeys = new LinkedHashSet<>(ctx.fetch("SELECT jsonb_object_keys(?::jsonb)", sample.toString())
                    .getValues(0, String.class));
            Map<String, Character> cols = columns(c, table);
            List<String> insertable = cols.entrySet().stream()
                    .filter(en -> en.getValue() != 's' && archivedKeys.contains(en.getKey())).map(Map.Entry::getKey).toList();
            boolean always = cols.values().stream().anyMatch(v -> v == 'a');
            List<String> pk = primaryKey(c, table);
            String conflict = pk.isEmpty() || insertable.isEmpty() ? ""
                    : " ON CONFLICT (" + columnList(null, pk) + ") DO UPDATE SET (" + columnList(null, insertable) + ") = ROW("
                            + columnList("excluded", insertable) + ")";
            if (!insertable.isEmpty()) {
                if (beforeTheScriptMovesOn) {
                    replaceSeeds(c, version, table, pk, archivedKeys, notes);
                }
                ctx.execute("INSERT INTO " + t + " (" + columnList(null, insertable) + ")" + (always ? " OVERRIDING SYSTEM VALUE" : "")
                        + " SELECT " + columnList("r", insertable) + " FROM " + EngineSchema.ARCHIVE_ROWS + " a CROSS JOIN LATERAL "
                        + "jsonb_populate_record(NULL::" + t + ", a.row_data) r WHERE a.version = ? AND a.table_name = ? ORDER BY a.id"
                        + conflict, version, table);
            }
            // The archived column values of the dropped table belong to these very rows: bind them to the new table.
            Object oldOid = ctx.fetchValue("SELECT max(table_oid::bigint) FROM " + EngineSchema.ARCHIVE_ROWS
                    + " WHERE version = ? AND table_name = ?", version, table);
            if (oldOid != null && !pk.isEmpty()) {
                ctx.execute("UPDATE " + EngineSchema.ARCHIVE_COLUMNS + " a SET table_oid = to_regclass(?)::oid WHERE a.table_name = ? "
                        + "AND a.table_oid = ?::bigint::oid AND EXISTS (SELECT 1 FROM " + t + " t WHERE " + keyMatch(c, table, pk) + ")",
                        t, table, oldOid);
            }
        }
        // Also for an empty table: where its sequences stood is archived all the same.
        restoreSequences(c, version, table);
        restoreSequenceGrants(c, version, table);
        restoreGrants(c, version, table, null);
        return notes;
    }

    /**
     * The archived rows win over rows the script seeded with the same natural key: a seeded row that has the
     * values of another unique constraint (or unique index without predicate or expression) of an archived row,
     * under another primary key, is deleted before the archived rows go in (it would make the insert fail). The
     * table was created by this very version and the restore runs before the script moves past building and
     * seeding it, so nothing references a seeded row yet and no ON DELETE CASCADE reaches another table's rows.
     */
    private static void replaceSeeds(Connection c, int version, String table, List<String> pk, Set<String> archivedKeys,
            List<String> notes) throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        String t = Catalog.regclass(table);
        for (Record u : ctx.fetch("SELECT coalesce(k.conname, x.relname)::text, (SELECT array_agg(a.attname::text ORDER BY o.n) "
                + "FROM unnest(i.indkey::int2[]) WITH ORDINALITY o (attnum, n) JOIN pg_attribute a ON a.attrelid = i.indrelid "
                + "AND a.attnum = o.attnum) FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid LEFT JOIN pg_constraint k "
                + "ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid WHERE i.indrelid = to_regclass(?) AND i.indisunique "
                + "AND NOT i.indisprimary AND i.indpred IS NULL AND i.indexprs IS NULL ORDER BY 1", t)) {
            String[] cols = u.get(1, String[].class);
            if (cols == null || !archivedKeys.containsAll(List.of(cols))) {
                continue;
            }
            List<String> match = new ArrayList<>();
            for (String col : cols) {
                match.add("t." + Sql.ident(col) + " = r." + Sql.ident(col));
            }
            String otherKey = pk.isEmpty() ? "" : " AND (" + columnList("t", pk) + ") IS DISTINCT FROM (" + columnList("r", pk) + ")";
            long replaced = ctx.execute("DELETE FROM " + t + " t USING (SELECT r.* FROM " + EngineSchema.ARCHIVE_ROWS + " a CROSS JOIN "
                    + "LATERAL jsonb_populate_record(NULL::" + t + ", a.row_data) r WHERE a.version = ? AND a.table_name = ?) r WHERE "
                    + String.join(" AND ", match) + otherKey, version, table);
            if (replaced > 0) {
                notes.add(table + ": " + replaced + " seeded row(s) replaced by the archived row(s) of the same "
                        + u.get(0, String.class) + " (" + String.join(", ", cols) + ")");
            }
        }
    }

    /**
     * The archived rows of a re-created table win over the version's own later statements: the first time the
     * version ran, every statement after CREATE TABLE saw only the seeded rows (the archived ones came later, or
     * are those seeds as they were left), so a data fix of the script applied again to restored rows would apply
     * twice. Rows whose archived values differ are updated back (only those; generated and GENERATED ALWAYS
     * columns are not written), rows the script deleted are inserted again (a conflict with a row of the
     * script leaves it out; {@link #settle} counts it as skipped). Needs a primary key.
     */
    private static void reassertRows(Connection c, int version, String table) throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        String t = Catalog.regclass(table);
        List<String> pk = primaryKey(c, table);
        Object sample = ctx.fetchValue("SELECT row_data::text FROM " + EngineSchema.ARCHIVE_ROWS + " WHERE version = ? AND "
                + "table_name = ? LIMIT 1", version, table);
        if (pk.isEmpty() || sample == null) {
            return;
        }
        Set<String> archivedKeys = new LinkedHashSet<>(ctx.fetch("SELECT jsonb_object_keys(?::jsonb)", sample.toString())
                .getValues(0, String.class));
        if (!archivedKeys.containsAll(pk)) {
            return;
        }
        Map<String, Character> cols = columns(c, table);
        List<String> settable = cols.entrySet().stream().filter(en -> en.getValue() == ' ' && archivedKeys.contains(en.getKey())
                && !pk.contains(en.getKey())).map(Map.Entry::getKey).toList();
        List<String> insertable = cols.entrySet().stream().filter(en -> en.getValue() != 's' && archivedKeys.contains(en.getKey()))
                .map(Map.Entry::getKey).toList();
        String archived = "(SELECT r.* FROM " + EngineSchema.ARCHIVE_ROWS + " a CROSS JOIN LATERAL jsonb_populate_record(NULL::" + t
                + ", a.row_data) r WHERE a.version = ? AND a.table_name = ?) r";
        List<String> match = new ArrayList<>();
        for (String k : pk) {
            match.add("t." + Sql.ident(k) + " = r." + Sql.ident(k));
        }
        if (!settable.isEmpty()) {
            // Compared as jsonb: json columns have no equality operator.
            ctx.execute("UPDATE " + t + " t SET (" + columnList(null, settable) + ") = ROW(" + columnList("r", settable) + ") FROM "
                    + archived + " WHERE " + String.join(" AND ", match) + " AND jsonb_build_array(" + columnList("t", settable)
                    + ") IS DISTINCT FROM jsonb_build_array(" + columnList("r", settable) + ")", version, table);
        }
        boolean always = cols.values().stream().anyMatch(v -> v == 'a');
        ctx.execute("INSERT INTO " + t + " (" + columnList(null, insertable) + ")" + (always ? " OVERRIDING SYSTEM VALUE" : "")
                + " SELECT " + columnList("r", insertable) + " FROM " + archived + " WHERE NOT EXISTS (SELECT 1 FROM " + t + " t WHERE "
                + String.join(" AND ", match) + ") ON CONFLICT DO NOTHING", version, table);
    }

    /** The archived row {@code a} matched to row {@code t} on the primary key, read from the archived row itself. */
    private static String rowKeyMatch(Connection c, String table, List<String> pk) throws SQLException {
        List<String> parts = new ArrayList<>();
        for (String k : pk) {
            parts.add("t." + Sql.ident(k) + " = " + typed(c, table, k, "(a.row_data -> " + literal(k) + ")"));
        }
        return String.join(" AND ", parts);
    }

    /**
     * Moves each serial/identity sequence of {@code table} to at least where it stood when archived and above
     * every restored key, so the application's next insert neither collides nor hands out an id again.
     */
    private static void restoreSequences(Connection c, int version, String table) throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        String t = Catalog.regclass(table);
        for (String column : columns(c, table).keySet()) {
            Object seq = ctx.fetchValue("SELECT pg_get_serial_sequence(?, ?)", t, column);
            if (seq == null) {
                continue;
            }
            Record archived = ctx.fetchOne("SELECT last_value, is_called FROM " + EngineSchema.ARCHIVE_SEQUENCES
                    + " WHERE version = ? AND table_name = ? AND column_name = ?", version, table, column);
            long stood = archived == null ? 0 : archived.get(0, Long.class) - (archived.get(1, Boolean.class) ? 0 : 1);
            ctx.fetch("SELECT setval(?::regclass, x.target) FROM (SELECT greatest(?::bigint, (SELECT max(" + Sql.ident(column)
                    + ")::bigint FROM " + t + ")) AS target, (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END "
                    + "FROM " + seq + ") AS now) x WHERE x.target > x.now", seq.toString(), stood);
        }
    }

    /**
     * Grants the archived privileges on {@code table} (on {@code column} only, when given; otherwise the
     * table's and those of columns that exist) and retires them. A privilege for a role that no longer exists
     * cannot be granted: it is retired too and counted in {@link #settle}'s notes.
     */
    private static void restoreGrants(Connection c, int version, String table, String column) throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        String t = Catalog.regclass(table);
        for (Record g : ctx.fetch("SELECT column_name, grantee, privilege, grantable FROM " + EngineSchema.ARCHIVE_GRANTS
                + " g WHERE version = ? AND table_name = ? AND (?::text IS NULL OR column_name = ?::text) AND (column_name = '' "
                + "OR EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(?) AND attname = g.column_name AND NOT attisdropped)) "
                + "AND (grantee = 'PUBLIC' OR EXISTS (SELECT 1 FROM pg_roles WHERE rolname = g.grantee)) ORDER BY 1, 2, 3",
                version, table, column, column, t)) {
            String col = g.get(0, String.class);
            String grantee = g.get(1, String.class);
            String privilege = g.get(2, String.class);
            if (!PRIVILEGE.matcher(privilege).matches()) {
                continue; // aclexplode names privileges in capitals; anything else is not ours to run
            }
            Sql.execute(c, "GRANT " + privilege + (col.isEmpty() ? "" : " (" + Sql.ident(col) + ")") + " ON TABLE " + t + " TO "
                    + ("PUBLIC".equals(grantee) ? "PUBLIC" : Sql.ident(grantee)) + (g.get(3, Boolean.class) ? " WITH GRANT OPTION" : ""));
            ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_GRANTS + " WHERE version = ? AND table_name = ? AND column_name = ? "
                    + "AND grantee = ? AND privilege = ?", version, table, col, grantee, privilege);
        }
    }

    /**
     * Grants the archived privileges on the serial/identity sequences of {@code table} again (the sequence the
     * same column owns now) and retires them; those of roles that no longer exist are left for {@link #settle}.
     */
    private static void restoreSequenceGrants(Connection c, int version, String table) throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        String t = Catalog.regclass(table);
        for (Record g : ctx.fetch("SELECT column_name, grantee, privilege, grantable, pg_get_serial_sequence(?, column_name) FROM "
                + EngineSchema.ARCHIVE_SEQUENCE_GRANTS + " g WHERE version = ? AND table_name = ? AND EXISTS (SELECT 1 FROM pg_attribute "
                + "WHERE attrelid = to_regclass(?) AND attname = g.column_name AND NOT attisdropped) "
                + "AND (grantee = 'PUBLIC' OR EXISTS (SELECT 1 FROM pg_roles WHERE rolname = g.grantee)) ORDER BY 1, 2, 3",
                t, version, table, t)) {
            String seq = g.get(4, String.class);
            String privilege = g.get(2, String.class);
            if (seq == null || !PRIVILEGE.matcher(privilege).matches()) {
                continue;
            }
            String grantee = g.get(1, String.class);
            Sql.execute(c, "GRANT " + privilege + " ON SEQUENCE " + seq + " TO " + ("PUBLIC".equals(grantee) ? "PUBLIC" : Sql.ident(grantee))
                    + (g.get(3, Boolean.class) ? " WITH GRANT OPTION" : ""));
            ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_SEQUENCE_GRANTS + " WHERE version = ? AND table_name = ? AND column_name = ? "
                    + "AND grantee = ? AND privilege = ?", version, table, g.get(0, String.class), grantee, privilege);
        }
    }

    /**
     * Gives re-created tables back to the owner they had when dropped (ALTER TABLE ... OWNER TO, which moves
     * their owned sequences too), when that was not the migrating user and the migrating user may: a
     * superuser, or a member of the owner that holds CREATE on the schema. Otherwise the table stays the
     * migrating user's and a note says so (for the journal). Retires what it handled; returns the notes.
     */
    private static List<String> restoreOwners(Connection c, int version) throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        List<String> notes = new ArrayList<>();
        for (Record r : ctx.fetch("SELECT table_name, owner FROM " + EngineSchema.ARCHIVE_OWNERS + " WHERE version = ? ORDER BY 1",
                version)) {
            String table = r.get(0, String.class);
            String owner = r.get(1, String.class);
            if (!Catalog.tableExists(c, table)) {
                continue;
            }
            String t = Catalog.regclass(table);
            Record now = ctx.fetchOne("SELECT pg_get_userbyid(k.relowner), current_user::text, "
                    + "EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ?), "
                    + "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user) OR (EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ?) "
                    + "AND pg_has_role(current_user, ?, 'MEMBER') AND has_schema_privilege(?, k.relnamespace, 'CREATE')) "
                    + "FROM pg_class k WHERE k.oid = to_regclass(?)", owner, owner, owner, owner, t);
            if (!owner.equals(now.get(0, String.class))) {
                if (!now.get(2, Boolean.class)) {
                    notes.add("table " + table + " not given back to its owner " + owner + ": the role no longer exists; owned by "
                            + now.get(0, String.class));
                } else if (now.get(3, Boolean.class)) {
                    Sql.execute(c, "ALTER TABLE " + t + " OWNER TO " + Sql.ident(owner));
                } else {
                    notes.add("table " + table + " not given back to its owner " + owner + ": " + now.get(1, String.class)
                            + " may not (needs membership in " + owner + ", which needs CREATE on the schema); owned by "
                            + now.get(0, String.class) + ", run ALTER TABLE " + t + " OWNER TO " + Sql.ident(owner) + " as a superuser");
                }
            }
            ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_OWNERS + " WHERE version = ? AND table_name = ?", version, table);
        }
        return notes;
    }

    /**
     * Writes the archived values of {@code table.column} for {@code version} back where they still apply: the
     * same table (same oid), the row still there, and the parent row still there when the column had a foreign
     * key (a parent deleted while rolled back leaves the migration's backfill, so its key holds). Idempotent;
     * rows already holding the archived value are not written again. Returns the rows written, for progress lines; counting is {@link #settle}'s.
     */
    static long restoreColumn(Connection c, int version, String table, String column) throws SQLException {
        ColumnRestore r = columnRestore(c, version, table, column);
        if (Catalog.columnExists(c, table, column)) {
            restoreGrants(c, version, table, column);
        }
        if (r == null) {
            return 0;
        }
        return acrossTenants(c, List.of(table), () -> (long) Sql.ctx(c).execute("UPDATE " + r.t() + " t SET " + Sql.ident(column) + " = "
                + r.value() + " FROM " + EngineSchema.ARCHIVE_COLUMNS + " a WHERE " + r.archived() + " AND " + r.keys() + r.parent()
                + " AND t." + Sql.ident(column) + " IS DISTINCT FROM " + r.value(), version, table, column, r.t()));
    }

    /**
     * {@link #restoreColumn} for a version that runs outside a transaction: in ranges of the archive's own
     * key, one short statement (its own transaction, in autocommit) each, so that no row lock is held long and
     * the application's writes go on. {@code progress} gets the archived values passed so far after each range.
     */
    static long restoreColumnInBatches(Connection c, int version, String table, String column,
            java.util.function.LongConsumer progress) throws SQLException {
        ColumnRestore r = columnRestore(c, version, table, column);
        if (Catalog.columnExists(c, table, column)) {
            restoreGrants(c, version, table, column);
        }
        if (r == null) {
            return 0;
        }
        // Batches commit one by one, so row-level security cannot be lifted for them: refused before the first
        // rather than restoring one tenant's values (or none) and counting the rest as stranded.
        requireEveryTenant(c, List.of(table));
        DSLContext ctx = Sql.ctx(c);
        // A batch is a short key range of the archive joined to the live rows by primary key. The planner misjudges a
        // jsonb key range (some 4x too many rows) and, once the archive has statistics, hashes the whole live table
        // for every batch: a sequential scan of 1 M trades per 200 ms batch, CPU and I/O the application then lacks
        // (app transactions over 1 s in the benchmark). Only the index nested loop is meant; set for the loop alone.
        // Only where an index on exactly the archived key makes the nested loop the cheap plan: without one (a script
        // that re-creates the key after re-adding the column) a hash join is the better of the two.
        if (!indexedOn(c, r.t(), r.keyColumns())) {
            return restoreRanges(c, ctx, r, version, table, column, progress);
        }
        Record before = ctx.fetchOne("SELECT current_setting('enable_hashjoin'), current_setting('enable_mergejoin')");
        ctx.fetch(JOINS, "off", "off");
        Throwable failure = null;
        try {
            return restoreRanges(c, ctx, r, version, table, column, progress);
        } catch (SQLException | RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            try {
                ctx.fetch(JOINS, before.get(0), before.get(1));
            } catch (RuntimeException broken) {
                // the failure being reported matters more; without one, a connection left with joins off must not pass
                if (failure == null) {
                    throw broken;
                }
                failure.addSuppressed(broken);
            }
        }
    }

    /** Whether {@code table} has a valid plain index on exactly {@code columns} (no INCLUDE columns, no predicate). */
    static boolean indexedOn(Connection c, String table, List<String> columns) {
        return Boolean.TRUE.equals(Sql.ctx(c).fetchValue("SELECT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = to_regclass(?) "
                + "AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL AND i.indnatts = i.indnkeyatts "
                + "AND (SELECT array_agg(a.attname::text ORDER BY a.attname::text) FROM pg_attribute a WHERE a.attrelid = i.indrelid "
                + "AND a.attnum = ANY (i.indkey::int2[])) = (SELECT array_agg(k ORDER BY k) FROM unnest(?::text[]) k))",
                table, columns.toArray(String[]::new)));
    }

    /**
     * Sets the session's hash and merge join switches: the restore's loop runs with both off, and the connection,
     * Flyway's, gets the values it had back, not the defaults.
     */
    static final String JOINS = "SELECT set_config('enable_hashjoin', ?, false), set_config('enable_mergejoin', ?, false)";

    private static long restoreRanges(Connection c, DSLContext ctx, ColumnRestore r, int version, String table, String column,
            java.util.function.LongConsumer progress) throws SQLException {
        String lo = null;
        int size = Online.FIRST_BATCH;
        long written = 0;
        long passed = 0;
        while (true) {
            // A signal's cancel reaches only the batch in flight when it came; a later one stops here (it resumes there).
            Interruptions.check("the next restore batch of " + table + "." + column);
            AdvisoryLock.requireHeldLately(c);
            // named k: "ORDER BY pk" would otherwise sort the text output column, not the jsonb key the ranges use
            String hi = (String) ctx.fetchValue("SELECT pk::text AS k FROM " + EngineSchema.ARCHIVE_COLUMNS + " WHERE version = ? "
                    + "AND table_name = ? AND column_name = ? AND pk > coalesce(?::jsonb, 'null'::jsonb) ORDER BY pk OFFSET "
                    + (size - 1) + " LIMIT 1", version, table, column, lo);
            long t0 = System.nanoTime();
            written += hi == null
                    ? ctx.execute(restoreBatch(r, column, false), version, table, column, r.t(), lo)
                    : ctx.execute(restoreBatch(r, column, true), version, table, column, r.t(), lo, hi);
            passed += size;
            if (hi == null) {
                return written;
            }
            progress.accept(passed);
            lo = hi;
            size = Online.adapt(size, System.nanoTime() - t0);
        }
    }

    /**
     * One batch of {@link #restoreColumnInBatches} (binds: version, table, column, regclass, low key, and the high key
     * when {@code bounded}). The last batch is a statement of its own instead of an "{@code ? IS NULL OR pk <= ?}":
     * after five executions PostgreSQL may switch the prepared statement to its generic plan, which cannot use that
     * optional bound in the index condition and so scanned the archive from the batch's start to the column's end for
     * every batch, a cost that grows with what is left, not with the batch (seen as 91 rows/s on 1 M trades).
     */
    static String restoreBatch(ColumnRestore r, String column, boolean bounded) {
        return "UPDATE " + r.t() + " t SET " + Sql.ident(column) + " = " + r.value() + " FROM " + EngineSchema.ARCHIVE_COLUMNS
                + " a WHERE " + r.archived() + " AND a.pk > coalesce(?::jsonb, 'null'::jsonb)" + (bounded ? " AND a.pk <= ?::jsonb" : "")
                + " AND " + r.keys() + r.parent() + " AND t." + Sql.ident(column) + " IS DISTINCT FROM " + r.value();
    }

    /**
     * How archived values {@code a} of one column are matched to rows {@code t}: {@code keys} the condition on
     * the primary key, {@code value} the archived value typed as the live column, {@code archived} selects the
     * column's archive bound to the live table (binds: version, table, column, regclass), {@code parent} the
     * foreign key condition on the value, empty when the column had none.
     */
    record ColumnRestore(String t, String keys, String value, String archived, String parent, List<String> keyColumns) {

        /** The archived values that apply, as a condition on {@code a} (same binds as {@code archived}). */
        String applies() {
            return archived + " AND EXISTS (SELECT 1 FROM " + t + " t WHERE " + keys + parent + ")";
        }
    }

    /** Null when nothing can apply: no such table or column, no key column, the parent table gone. */
    static ColumnRestore columnRestore(Connection c, int version, String table, String column) throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        if (!Catalog.tableExists(c, table) || !Catalog.columnExists(c, table, column)) {
            return null;
        }
        Record meta = ctx.fetchOne("SELECT pk::text, ref_table, ref_column, ref_keys::text FROM " + EngineSchema.ARCHIVE_COLUMNS
                + " WHERE version = ? AND table_name = ? AND column_name = ? LIMIT 1", version, table, column);
        if (meta == null) {
            return null;
        }
        List<String> keys = ctx.fetch("SELECT jsonb_object_keys(?::jsonb)", meta.get(0, String.class)).getValues(0, String.class);
        for (String k : keys) {
            if (!Catalog.columnExists(c, table, k)) {
                return null;
            }
        }
        String value = typed(c, table, column, "a.value");
        String refTable = meta.get(1, String.class);
        String parent = "";
        String refKeys = meta.get(3, String.class);
        if (refKeys != null) {
            // Each foreign key must hold with the value and the row's other key columns (MATCH SIMPLE: a NULL in
            // them lets it hold); one whose other columns are not there (yet) cannot be checked and is left out.
            for (Record k : ctx.fetch("SELECT e ->> 'table', (e -> 'columns')::text FROM jsonb_array_elements(?::jsonb) e", refKeys)) {
                String parentTable = k.get(0, String.class);
                if (!Catalog.tableExists(c, parentTable)) {
                    return null;
                }
                List<String> match = new ArrayList<>();
                List<String> nulls = new ArrayList<>();
                boolean checkable = true;
                for (Record col : ctx.fetch("SELECT key, value FROM jsonb_each_text(?::jsonb)", k.get(1, String.class))) {
                    String local = col.get(0, String.class);
                    String referenced = col.get(1, String.class);
                    if (local.equals(column)) {
                        match.add("x." + Sql.ident(referenced) + " = " + value);
                    } else if (Catalog.columnExists(c, table, local)) {
                        match.add("x." + Sql.ident(referenced) + " = t." + Sql.ident(local));
                        nulls.add("t." + Sql.ident(local) + " IS NULL");
                    } else {
                        checkable = false;
                    }
                }
                if (checkable) {
                    parent += " AND (a.value IS NULL" + (nulls.isEmpty() ? "" : " OR " + String.join(" OR ", nulls))
                            + " OR EXISTS (SELECT 1 FROM " + Catalog.regclass(parentTable) + " x WHERE " + String.join(" AND ", match) + "))";
                }
            }
        } else if (refTable != null) {
            if (!Catalog.tableExists(c, refTable)) {
                return null;
            }
            parent = " AND (a.value IS NULL OR EXISTS (SELECT 1 FROM " + Catalog.regclass(refTable) + " x WHERE x."
                    + Sql.ident(meta.get(2, String.class)) + " = " + value + "))";
        }
        return new ColumnRestore(Catalog.regclass(table), keyMatch(c, table, keys), value,
                "a.version = ? AND a.table_name = ? AND a.column_name = ? AND a.table_oid = to_regclass(?)::oid", parent,
                List.copyOf(keys));
    }

    /**
     * The archived key of {@code a} matched to row {@code t}: {@code t.k = (a.pk ->> 'k')::type} for each key
     * column, typed as the live column, so that PostgreSQL can join the archive to the table on the key (by its index in the batched
     * restore, which turns hash joins off for its ranges; hashed for a whole column at once).
     */
    private static String keyMatch(Connection c, String table, List<String> keys) throws SQLException {
        List<String> parts = new ArrayList<>();
        for (String k : keys) {
            parts.add("t." + Sql.ident(k) + " = " + typed(c, table, k, "(a.pk -> " + literal(k) + ")"));
        }
        return String.join(" AND ", parts);
    }

    /**
     * The jsonb expression {@code json} (as {@code to_jsonb} wrote it) as a value of {@code table.column}'s
     * type. Base types other than arrays through their text ({@code #>> '{}'}, which {@code to_jsonb} writes in the type's own input
     * format: ISO dates and timestamps, full-precision numbers); json and jsonb as they are; arrays, composites
     * domains, enums and anything else through {@code jsonb_populate_record}, which knows how {@code to_jsonb} wrote them.
     */
    private static String typed(Connection c, String table, String column, String json) throws SQLException {
        Record r = Sql.ctx(c).fetchOne("SELECT format_type(a.atttypid, a.atttypmod), t.typcategory, t.typname, t.typtype "
                + "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = to_regclass(?) AND a.attname = ? "
                + "AND NOT a.attisdropped", Catalog.regclass(table), column);
        String type = r.get(0, String.class);
        String name = r.get(2, String.class);
        if ("json".equals(name) || "jsonb".equals(name)) {
            return "(" + json + ")::" + type;
        }
        String category = r.get(1, String.class);
        boolean scalar = "b".equals(r.get(3, String.class)) && !"A".equals(category);
        if (scalar) {
            return "(" + json + " #>> '{}')::" + type;
        }
        return "(jsonb_populate_record(NULL::" + Catalog.regclass(table) + ", jsonb_build_object(" + literal(column) + ", " + json
                + ")))." + Sql.ident(column);
    }

    /**
     * The end-of-version pass: restores whatever was not restored statement by statement (tables parents
     * first), re-asserts the column values that were (cheap and idempotent, so a later statement of the script
     * that overwrote them cannot win), retires what was restored and counts what could not be, which stays
     * archived.
     */
    static Settled settle(Connection c, int version, Collection<String> restoredTables, List<String> earlierNotes)
            throws SQLException {
        // The counts and deletes below read the live tables: as every tenant, like the restores themselves.
        List<String> tables = new ArrayList<>();
        for (Record r : Sql.ctx(c).fetch("SELECT DISTINCT table_name FROM " + EngineSchema.ARCHIVE_ROWS + " WHERE version = ? "
                + "UNION SELECT DISTINCT table_name FROM " + EngineSchema.ARCHIVE_COLUMNS + " WHERE version = ?", version, version)) {
            if (Catalog.tableExists(c, r.get(0, String.class))) {
                tables.add(r.get(0, String.class));
            }
        }
        return acrossTenants(c, tables, () -> settleAll(c, version, restoredTables, earlierNotes));
    }

    private static Settled settleAll(Connection c, int version, Collection<String> restoredTables, List<String> earlierNotes)
            throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        List<String> notes = new ArrayList<>(earlierNotes);
        long restored = 0;
        long skipped = 0;
        Map<String, List<String>> why = new LinkedHashMap<>();
        Map<String, Long> skippedPerTable = new LinkedHashMap<>();
        // Dropped children first, so restored parents first.
        for (Record r : ctx.fetch("SELECT table_name, count(*) FROM " + EngineSchema.ARCHIVE_ROWS + " WHERE version = ? "
                + "GROUP BY table_name ORDER BY max(id) DESC", version)) {
            String table = r.get(0, String.class);
            long n = r.get(1, Long.class);
            if (!Catalog.tableExists(c, table)) {
                skipped += n;
                skippedPerTable.merge(table, n, Long::sum);
                why.computeIfAbsent(table, k -> new ArrayList<>()).add("table " + table + " does not exist");
                continue;
            }
            if (!restoredTables.contains(table)) {
                notes.addAll(restoreTable(c, version, table, false));
            } else {
                reassertRows(c, version, table);
            }
            List<String> pk = primaryKey(c, table);
            if (pk.isEmpty()) {
                restored += ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_ROWS + " WHERE version = ? AND table_name = ?", version, table);
            } else {
                // Retired when the row is there; one that is not (it conflicted with a row of the script) stays archived.
                long back = ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_ROWS + " a WHERE a.version = ? AND a.table_name = ? "
                        + "AND EXISTS (SELECT 1 FROM " + Catalog.regclass(table) + " t WHERE " + rowKeyMatch(c, table, pk) + ")", version, table);
                restored += back;
                if (back < n) {
                    skipped += n - back;
                    skippedPerTable.merge(table, n - back, Long::sum);
                    why.computeIfAbsent(table, k -> new ArrayList<>()).add((n - back)
                            + " row(s) not in the table at the end of the version (in conflict with the script's own rows)");
                }
            }
            ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_SEQUENCES + " WHERE version = ? AND table_name = ?", version, table);
        }
        // Tables dropped empty: no rows, but where their sequences stood. Retired once the table exists again.
        for (String table : ctx.fetch("SELECT DISTINCT table_name FROM " + EngineSchema.ARCHIVE_SEQUENCES + " WHERE version = ? "
                + "ORDER BY 1", version).getValues(0, String.class)) {
            if (!Catalog.tableExists(c, table)) {
                continue; // kept, like its rows would be; a stamp or a later drop of the table discards it
            }
            if (!restoredTables.contains(table)) {
                notes.addAll(restoreTable(c, version, table, false));
            }
            ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_SEQUENCES + " WHERE version = ? AND table_name = ?", version, table);
        }
        for (Record r : ctx.fetch("SELECT table_name, column_name, count(*) FROM " + EngineSchema.ARCHIVE_COLUMNS
                + " WHERE version = ? GROUP BY 1, 2 ORDER BY 1, 2", version)) {
            String table = r.get(0, String.class);
            String column = r.get(1, String.class);
            long n = r.get(2, Long.class);
            ColumnRestore cr = columnRestore(c, version, table, column);
            if (cr == null) {
                skipped += n;
                skippedPerTable.merge(table, n, Long::sum);
                Object refTable = ctx.fetchValue("SELECT max(ref_table) FROM " + EngineSchema.ARCHIVE_COLUMNS
                        + " WHERE version = ? AND table_name = ? AND column_name = ?", version, table, column);
                why.computeIfAbsent(table, k -> new ArrayList<>()).add(!Catalog.columnExists(c, table, column)
                        ? "no column " + table + "." + column : "no table " + refTable);
                continue;
            }
            restoreColumn(c, version, table, column);
            restored += ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_COLUMNS + " a WHERE " + cr.applies(),
                    version, table, column, cr.t());
            Record left = ctx.fetchOne("SELECT count(*), count(*) FILTER (WHERE a.table_oid IS DISTINCT FROM to_regclass(?)::oid), "
                    + "count(*) FILTER (WHERE a.table_oid = to_regclass(?)::oid AND NOT EXISTS (SELECT 1 FROM " + cr.t() + " t WHERE "
                    + cr.keys() + ")), max(a.ref_table) FROM " + EngineSchema.ARCHIVE_COLUMNS
                    + " a WHERE a.version = ? AND a.table_name = ? AND a.column_name = ?", cr.t(), cr.t(), version, table, column);
            long total = left.get(0, Long.class);
            if (total == 0) {
                continue;
            }
            long recreated = left.get(1, Long.class);
            long rowGone = left.get(2, Long.class);
            long parentGone = total - recreated - rowGone;
            List<String> reasons = why.computeIfAbsent(table, k -> new ArrayList<>());
            if (rowGone > 0) {
                reasons.add(rowGone + " row(s) deleted while rolled back");
            }
            if (parentGone > 0) {
                String parent = left.get(3, String.class);
                reasons.add(parentGone + (TENANTS.equals(parent) ? " whose tenant was deleted" : " whose " + parent + " row was deleted"));
            }
            if (recreated > 0) {
                reasons.add(recreated + " archived from a table since dropped and re-created");
            }
            skipped += total;
            skippedPerTable.merge(table, total, Long::sum);
        }
        List<String> detail = new ArrayList<>();
        for (Map.Entry<String, Long> e : skippedPerTable.entrySet()) {
            detail.add(e.getKey() + ": " + e.getValue() + " (" + String.join(", ", why.get(e.getKey())) + ")");
        }
        // Privileges of tables and columns that exist again; what is left is for roles that are gone.
        for (String table : ctx.fetch("SELECT DISTINCT table_name FROM " + EngineSchema.ARCHIVE_GRANTS + " WHERE version = ? ORDER BY 1",
                version).getValues(0, String.class)) {
            if (Catalog.tableExists(c, table)) {
                restoreGrants(c, version, table, null);
            }
        }
        for (String table : ctx.fetch("SELECT DISTINCT table_name FROM " + EngineSchema.ARCHIVE_SEQUENCE_GRANTS + " WHERE version = ? "
                + "ORDER BY 1", version).getValues(0, String.class)) {
            if (Catalog.tableExists(c, table)) {
                restoreSequenceGrants(c, version, table);
            }
        }
        Record seqGone = ctx.fetchOne("SELECT count(*), string_agg(DISTINCT g.grantee, ', ') FROM " + EngineSchema.ARCHIVE_SEQUENCE_GRANTS
                + " g WHERE g.version = ? AND g.grantee <> 'PUBLIC' AND NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = g.grantee)",
                version);
        if (seqGone.get(0, Long.class) > 0) {
            notes.add("not granted again: " + seqGone.get(0, Long.class) + " sequence privilege(s) of role(s) that no longer exist ("
                    + seqGone.get(1, String.class) + ")");
            ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_SEQUENCE_GRANTS + " g WHERE g.version = ? AND g.grantee <> 'PUBLIC' "
                    + "AND NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = g.grantee)", version);
        }
        notes.addAll(restoreOwners(c, version));
        Record gone = ctx.fetchOne("SELECT count(*), string_agg(DISTINCT g.grantee, ', ') FROM " + EngineSchema.ARCHIVE_GRANTS
                + " g WHERE g.version = ? AND g.grantee <> 'PUBLIC' AND NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = g.grantee) "
                + "AND to_regclass(" + "'" + EngineSchema.SCHEMA + ".archive_grants') IS NOT NULL", version);
        if (gone.get(0, Long.class) > 0) {
            notes.add("not granted again: " + gone.get(0, Long.class) + " privilege(s) of role(s) that no longer exist ("
                    + gone.get(1, String.class) + ")");
            ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_GRANTS + " g WHERE g.version = ? AND g.grantee <> 'PUBLIC' "
                    + "AND NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = g.grantee)", version);
        }
        return new Settled(restored, skipped, detail, notes);
    }

    /**
     * Archived rows and column values waiting for a restore, per version and table. Reads an older engine's
     * archive tables too (status is read-only, so they are migrated only by the next run that writes).
     */
    static List<StatusResult.PendingRestore> pending(Connection c, int current) throws SQLException {
        if (!EngineSchema.journalExists(c)) {
            return List.of();
        }
        List<String> parts = new ArrayList<>();
        if (EngineSchema.relationExists(c, EngineSchema.ARCHIVE_ROWS)) {
            parts.add("SELECT version, table_name FROM " + EngineSchema.ARCHIVE_ROWS);
        }
        if (EngineSchema.relationExists(c, EngineSchema.ARCHIVE_COLUMNS)) {
            // Values archived after their version was applied are an interrupted downgrade's online archive (the
            // version never went): nothing waits for a restore, and the next downgrade of it replaces them.
            parts.add("SELECT abs(version), table_name FROM " + EngineSchema.ARCHIVE_COLUMNS + " a"
                    + (HistoryTable.exists(c) ? " WHERE NOT EXISTS (SELECT 1 FROM " + HistoryTable.QUALIFIED + " h WHERE h.success "
                            + "AND h.version ~ '^[0-9]+$' AND h.version::int = abs(a.version) AND h.installed_on < a.archived_at)" : ""));
        }
        if (EngineSchema.relationExists(c, EngineSchema.LEGACY_TENANTS)) {
            parts.add("SELECT version, 'tenants' FROM " + EngineSchema.LEGACY_TENANTS);
        }
        if (EngineSchema.relationExists(c, EngineSchema.LEGACY_TENANT_IDS)) {
            parts.add("SELECT version, table_name FROM " + EngineSchema.LEGACY_TENANT_IDS);
        }
        if (parts.isEmpty()) {
            return List.of();
        }
        List<StatusResult.PendingRestore> out = new ArrayList<>();
        for (Object[] r : Sql.rows(c, "SELECT version, table_name, count(*) FROM (" + String.join(" UNION ALL ", parts)
                + ") x (version, table_name) GROUP BY 1, 2 ORDER BY 1, 2")) {
            int version = Sql.integer(r[0]);
            out.add(new StatusResult.PendingRestore(Targets.label(version), (String) r[1], Sql.bigint(r[2]),
                    version <= current));
        }
        return out;
    }

    /** The primary key's columns of {@code table}, in key order; empty when it has none. */
    static List<String> primaryKey(Connection c, String table) throws SQLException {
        return Sql.strings(c, "SELECT a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                + "AND a.attnum = ANY (i.indkey) WHERE i.indrelid = to_regclass(?) AND i.indisprimary "
                + "ORDER BY array_position(i.indkey::int2[], a.attnum)", Catalog.regclass(table));
    }

    /** The columns of {@code table} in order, each with 'a' (identity ALWAYS), 's' (generated) or ' '. */
    private static Map<String, Character> columns(Connection c, String table) throws SQLException {
        Map<String, Character> out = new LinkedHashMap<>();
        for (Record r : Sql.ctx(c).fetch("SELECT attname, CASE WHEN attgenerated <> '' THEN 's' WHEN attidentity = 'a' THEN 'a' "
                + "ELSE ' ' END FROM pg_attribute WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                Catalog.regclass(table))) {
            out.put(r.get(0, String.class), r.get(1, String.class).charAt(0));
        }
        return out;
    }

    private static String pkJson(String alias, List<String> pk) {
        List<String> parts = new ArrayList<>();
        for (String k : pk) {
            parts.add(literal(k) + ", " + alias + "." + Sql.ident(k));
        }
        return "jsonb_build_object(" + String.join(", ", parts) + ")";
    }

    private static String columnList(String alias, List<String> cols) {
        List<String> parts = new ArrayList<>();
        for (String col : cols) {
            parts.add((alias == null ? "" : alias + ".") + Sql.ident(col));
        }
        return String.join(", ", parts);
    }


    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
