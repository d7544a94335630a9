package com.alphapulse.db.engine.internal;

import com.alphapulse.db.engine.StatusResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * The archive of tenant data an undo step drops, and its restore when the version is applied again.
 *
 * <p>What is archived is derived from the undo statements: a {@code DROP TABLE tenants} archives every
 * tenant row whole; a {@code DROP COLUMN tenant_id} on a table with an integer {@code id} archives each
 * row's primary key with its tenant_id and the table's identity (its pg_class oid). Rows are tagged with the
 * version whose undo dropped them, and the re-application of that version restores them: right after the
 * statement that re-creates the table or re-adds the column (so the migration's own backfill, which only
 * fills NULLs, derives the rows inserted in between from restored parents), and at the end of the version
 * for anything left; all inside the migration's transaction.
 *
 * <p>An archived tenant_id is restored only onto the same table (same oid), onto a row that still exists,
 * with a tenant that still exists. Whatever cannot be restored is counted as skipped and stays in the
 * archive, where status lists it; what was restored is retired. An undo that drops a table drops the
 * archived tenant_ids of that table with it: a re-created table reuses ids for other rows.
 */
final class Archive {

    static final String TENANTS = "tenants";
    static final String TENANT_ID = "tenant_id";

    /**
     * An archived tenant_id {@code a} that can go back onto row {@code t}. Template arguments: {0} the table,
     * {1} the version, {2} the table's name, {3} tenants, {4} the table's regclass text.
     */
    private static final String APPLIES = "a.version = {1} AND a.table_name = {2} AND t.id = a.pk "
            + "AND a.table_oid = to_regclass({4})::oid AND EXISTS (SELECT 1 FROM {3} x WHERE x.id = a.tenant_id)";

    /**
     * What the end of a version's restore found.
     *
     * @param restored archived rows written back (tenant rows, and tenant_ids matched to their row)
     * @param skipped archived rows that could not be written back and stay in the archive
     * @param skippedDetail per table: how many and why
     */
    record Settled(long restored, long skipped, List<String> skippedDetail) {}

    private Archive() {}

    /** Whether the archive keeps what {@code e} drops. */
    static boolean covers(Connection c, Script.Effect e) throws SQLException {
        if (e.kind() == Script.Kind.DROP_TABLE) {
            return TENANTS.equals(e.table());
        }
        if (e.kind() == Script.Kind.DROP_COLUMN) {
            return TENANT_ID.equals(e.name()) && hasIntegerId(c, e.table());
        }
        return false;
    }

    /**
     * Archives, for version {@code version}, what the statements are about to drop; the version's earlier
     * archive is replaced, as it describes older data. Returns the rows archived. The caller holds ACCESS
     * EXCLUSIVE on every table read here, so no row can change between the archive and the drop.
     */
    static long archive(Connection c, int version, List<Script.Statement> statements) throws SQLException {
        discard(c, version);
        DSLContext ctx = Sql.ctx(c);
        long rows = 0;
        for (Script.Statement st : statements) {
            for (Script.Effect e : st.effects()) {
                if (!covers(c, e) || !Catalog.tableExists(c, e.table())) {
                    continue;
                }
                if (e.kind() == Script.Kind.DROP_TABLE) {
                    rows += ctx.execute("INSERT INTO " + EngineSchema.ARCHIVE_TENANTS + " (version, id, row_data) "
                            + "SELECT {0}, t.id, to_jsonb(t) FROM {1} t", DSL.val(version), Catalog.table(e.table()));
                } else if (Catalog.columnExists(c, e.table(), e.name())) {
                    rows += ctx.execute("INSERT INTO " + EngineSchema.ARCHIVE_TENANT_IDS + " (version, table_name, pk, tenant_id, "
                            + "table_oid) SELECT {0}, {1}, t.id, t.tenant_id, to_regclass({3})::oid FROM {2} t "
                            + "WHERE t.tenant_id IS NOT NULL",
                            DSL.val(version), DSL.val(e.table()), Catalog.table(e.table()), DSL.val(Catalog.regclass(e.table())));
                }
            }
        }
        return rows;
    }

    /**
     * Forgets, whatever version archived them, the tenant_ids of every table the statements drop, and when
     * they drop {@code tenants}, the tenant rows other versions archived: the rows they belonged to are gone,
     * and a re-created table hands their ids to new rows. Returns the rows forgotten.
     */
    static long forgetDroppedTables(Connection c, int version, List<Script.Statement> statements) throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        long rows = 0;
        for (Script.Statement st : statements) {
            for (Script.Effect e : st.effects()) {
                if (e.kind() != Script.Kind.DROP_TABLE) {
                    continue;
                }
                rows += ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_TENANT_IDS + " WHERE table_name = ?", e.table());
                if (TENANTS.equals(e.table())) {
                    rows += ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_TENANTS + " WHERE version <> ?", version);
                }
            }
        }
        return rows;
    }

    /** Drops the archive of {@code version} (a downgrade without archiving must not leave older values). */
    static void discard(Connection c, int version) throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_TENANTS + " WHERE version = ?", version);
        ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_TENANT_IDS + " WHERE version = ?", version);
    }

    /**
     * Drops the archives of every version above {@code version}: a stamp says those versions were never
     * applied here, so what their undo archived no longer describes this database. Returns the rows dropped.
     */
    static long discardAbove(Connection c, int version) throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        return ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_TENANTS + " WHERE version > ?", version)
                + ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_TENANT_IDS + " WHERE version > ?", version);
    }

    /**
     * Puts the archived tenant rows of {@code version} back, overwriting a row with the same id (the default
     * tenant the migration seeds) column by column; never deletes, so no ON DELETE CASCADE can fire.
     * Idempotent.
     */
    static void restoreTenants(Connection c, int version) throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        List<org.jooq.Name> cols = ctx.fetch("SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(?) "
                + "AND attnum > 0 AND NOT attisdropped ORDER BY attnum", Catalog.regclass(TENANTS))
                .map(r -> DSL.name(r.get(0, String.class)));
        List<org.jooq.Field<Object>> excluded = cols.stream().map(n -> DSL.field(DSL.name("excluded", n.last()))).toList();
        ctx.execute("INSERT INTO {0} SELECT (jsonb_populate_record(NULL::{0}, a.row_data)).* FROM "
                + EngineSchema.ARCHIVE_TENANTS + " a WHERE a.version = {1} ON CONFLICT (id) DO UPDATE SET ({2}) = ROW({3})",
                Catalog.table(TENANTS), DSL.val(version), DSL.list(cols.stream().map(DSL::field).toList()), DSL.list(excluded));
    }

    /**
     * Writes the archived tenant_ids of {@code table} for {@code version} back where they still apply: the
     * same table (same oid), the row still there, the tenant still there (a tenant deleted while rolled back
     * leaves the migration's backfill, so its foreign key holds). Idempotent; rows already holding the
     * archived value are not written again. Counting is {@link #settle}'s.
     */
    static void restoreTenantIds(Connection c, int version, String table) throws SQLException {
        Sql.ctx(c).execute("UPDATE {0} t SET tenant_id = a.tenant_id FROM " + EngineSchema.ARCHIVE_TENANT_IDS
                + " a WHERE " + APPLIES + " AND t.tenant_id IS DISTINCT FROM a.tenant_id",
                Catalog.table(table), DSL.val(version), DSL.val(table), Catalog.table(TENANTS), DSL.val(Catalog.regclass(table)));
    }

    /**
     * The end-of-version pass: restores whatever was not restored statement by statement, re-asserts the
     * tenant_ids that were (cheap and idempotent, so a later statement of the script that overwrote them
     * cannot win), retires what was restored and counts what could not be, which stays archived.
     */
    static Settled settle(Connection c, int version, Set<String> alreadyRestored) throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        long restored = 0;
        long skipped = 0;
        List<String> detail = new ArrayList<>();
        boolean tenants = Catalog.tableExists(c, TENANTS);
        long archivedTenants = ((Number) ctx.fetchValue("SELECT count(*) FROM " + EngineSchema.ARCHIVE_TENANTS
                + " WHERE version = ?", version)).longValue();
        if (archivedTenants > 0) {
            if (tenants) {
                if (!alreadyRestored.contains(TENANTS)) {
                    restoreTenants(c, version);
                }
                restored += ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_TENANTS + " WHERE version = ?", version);
            } else {
                skipped += archivedTenants;
                detail.add("tenants: " + archivedTenants + " (table tenants does not exist)");
            }
        }
        for (String table : ctx.fetch("SELECT DISTINCT table_name FROM " + EngineSchema.ARCHIVE_TENANT_IDS
                + " WHERE version = ? ORDER BY 1", version).getValues(0, String.class)) {
            if (!Catalog.tableExists(c, table) || !Catalog.columnExists(c, table, TENANT_ID) || !tenants) {
                long n = ((Number) ctx.fetchValue("SELECT count(*) FROM " + EngineSchema.ARCHIVE_TENANT_IDS
                        + " WHERE version = ? AND table_name = ?", version, table)).longValue();
                skipped += n;
                detail.add(table + ": " + n + " (" + (tenants ? "no column " + table + "." + TENANT_ID : "no table tenants") + ")");
                continue;
            }
            restoreTenantIds(c, version, table);
            restored += ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_TENANT_IDS + " a USING {0} t WHERE " + APPLIES,
                    Catalog.table(table), DSL.val(version), DSL.val(table), Catalog.table(TENANTS), DSL.val(Catalog.regclass(table)));
            Record left = ctx.fetchOne("SELECT count(*), "
                    + "count(*) FILTER (WHERE a.table_oid IS DISTINCT FROM to_regclass({2})::oid), "
                    + "count(*) FILTER (WHERE a.table_oid = to_regclass({2})::oid AND NOT EXISTS (SELECT 1 FROM {3} t WHERE t.id = a.pk)) "
                    + "FROM " + EngineSchema.ARCHIVE_TENANT_IDS + " a WHERE a.version = {0} AND a.table_name = {1}",
                    DSL.val(version), DSL.val(table), DSL.val(Catalog.regclass(table)), Catalog.table(table));
            long total = left.get(0, Long.class);
            if (total == 0) {
                continue;
            }
            long recreated = left.get(1, Long.class);
            long rowGone = left.get(2, Long.class);
            long tenantGone = total - recreated - rowGone;
            List<String> why = new ArrayList<>();
            if (rowGone > 0) {
                why.add(rowGone + " row(s) deleted while rolled back");
            }
            if (tenantGone > 0) {
                why.add(tenantGone + " whose tenant was deleted");
            }
            if (recreated > 0) {
                why.add(recreated + " archived from a table since dropped and re-created");
            }
            skipped += total;
            detail.add(table + ": " + total + " (" + String.join(", ", why) + ")");
        }
        return new Settled(restored, skipped, detail);
    }

    /** Whether {@code version} has anything archived. */
    static boolean has(Connection c, int version) throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        return Boolean.TRUE.equals(ctx.fetchValue("SELECT EXISTS (SELECT 1 FROM " + EngineSchema.ARCHIVE_TENANTS
                + " WHERE version = ?) OR EXISTS (SELECT 1 FROM " + EngineSchema.ARCHIVE_TENANT_IDS + " WHERE version = ?)",
                version, version));
    }

    /** Archived rows waiting for a restore, per version and table. */
    static List<StatusResult.PendingRestore> pending(Connection c, int current) throws SQLException {
        if (!EngineSchema.exists(c)) {
            return List.of();
        }
        List<StatusResult.PendingRestore> out = new ArrayList<>();
        for (Record r : Sql.ctx(c).fetch("SELECT version, 'tenants' AS table_name, count(*) FROM " + EngineSchema.ARCHIVE_TENANTS
                + " GROUP BY version UNION ALL SELECT version, table_name, count(*) FROM " + EngineSchema.ARCHIVE_TENANT_IDS
                + " GROUP BY version, table_name ORDER BY 1, 2")) {
            int version = r.get(0, Integer.class);
            out.add(new StatusResult.PendingRestore(Targets.label(version), r.get(1, String.class), r.get(2, Long.class),
                    version <= current));
        }
        return out;
    }

    private static boolean hasIntegerId(Connection c, String table) throws SQLException {
        return Boolean.TRUE.equals(Sql.ctx(c).fetchValue("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(?) "
                + "AND attname = 'id' AND NOT attisdropped AND atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype))",
                Catalog.regclass(table)));
    }
}
