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
 * row's primary key with its tenant_id. Rows are tagged with the version whose undo dropped them, and the
 * re-application of that version restores them: right after the statement that re-creates the table or
 * re-adds the column (so the migration's own backfill, which only fills NULLs, derives the rows inserted
 * in between from restored parents), and at the end of the version for anything left; then the version's
 * archive is retired, all inside the migration's transaction.
 */
final class Archive {

    static final String TENANTS = "tenants";
    static final String TENANT_ID = "tenant_id";

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
     * archive is replaced, as it describes older data. Returns the rows archived.
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
                    rows += ctx.execute("INSERT INTO " + EngineSchema.ARCHIVE_TENANT_IDS + " (version, table_name, pk, tenant_id) "
                            + "SELECT {0}, {1}, t.id, t.tenant_id FROM {2} t WHERE t.tenant_id IS NOT NULL",
                            DSL.val(version), DSL.val(e.table()), Catalog.table(e.table()));
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
     * Puts the archived tenant rows of {@code version} back, overwriting a row with the same id (the default
     * tenant the migration seeds) column by column; never deletes, so no ON DELETE CASCADE can fire.
     * Idempotent.
     */
    static long restoreTenants(Connection c, int version) throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        List<org.jooq.Name> cols = ctx.fetch("SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(?) "
                + "AND attnum > 0 AND NOT attisdropped ORDER BY attnum", Catalog.regclass(TENANTS))
                .map(r -> DSL.name(r.get(0, String.class)));
        List<org.jooq.Field<Object>> excluded = cols.stream().map(n -> DSL.field(DSL.name("excluded", n.last()))).toList();
        return ctx.execute("INSERT INTO {0} SELECT (jsonb_populate_record(NULL::{0}, a.row_data)).* FROM "
                + EngineSchema.ARCHIVE_TENANTS + " a WHERE a.version = {1} ON CONFLICT (id) DO UPDATE SET ({2}) = ROW({3})",
                Catalog.table(TENANTS), DSL.val(version), DSL.list(cols.stream().map(DSL::field).toList()), DSL.list(excluded));
    }

    /**
     * Writes the archived tenant_ids of {@code table} for {@code version} back, only where the tenant still
     * exists (a tenant deleted while rolled back keeps the migration's backfill, so its foreign key holds).
     * Idempotent: rows already holding the archived value are not counted again.
     */
    static long restoreTenantIds(Connection c, int version, String table) throws SQLException {
        return Sql.ctx(c).execute("UPDATE {0} t SET tenant_id = a.tenant_id FROM " + EngineSchema.ARCHIVE_TENANT_IDS
                + " a WHERE a.version = {1} AND a.table_name = {2} AND t.id = a.pk"
                + " AND t.tenant_id IS DISTINCT FROM a.tenant_id"
                + " AND EXISTS (SELECT 1 FROM {3} x WHERE x.id = a.tenant_id)",
                Catalog.table(table), DSL.val(version), DSL.val(table), Catalog.table(TENANTS));
    }

    /**
     * The end-of-version pass: restores whatever was not restored statement by statement, and re-asserts the
     * tenant_ids that were (cheap and idempotent), so a later statement of the script that overwrote them
     * cannot win.
     */
    static long restoreRemaining(Connection c, int version, Set<String> alreadyRestored) throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        long rows = 0;
        if (!alreadyRestored.contains(TENANTS) && Catalog.tableExists(c, TENANTS)
                && ctx.fetchExists(DSL.selectOne().from(DSL.table(EngineSchema.ARCHIVE_TENANTS))
                        .where(DSL.field("version").eq(version)))) {
            rows += restoreTenants(c, version);
        }
        for (String table : ctx.fetch("SELECT DISTINCT table_name FROM " + EngineSchema.ARCHIVE_TENANT_IDS
                + " WHERE version = ? ORDER BY 1", version).getValues(0, String.class)) {
            if (Catalog.columnExists(c, table, TENANT_ID)
                    && Catalog.tableExists(c, TENANTS)) {
                rows += restoreTenantIds(c, version, table);
            }
        }
        return rows;
    }

    /** Deletes {@code version}'s archive once restored; returns the rows retired. */
    static long retire(Connection c, int version) throws SQLException {
        DSLContext ctx = Sql.ctx(c);
        return ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_TENANTS + " WHERE version = ?", version)
                + ctx.execute("DELETE FROM " + EngineSchema.ARCHIVE_TENANT_IDS + " WHERE version = ?", version);
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
