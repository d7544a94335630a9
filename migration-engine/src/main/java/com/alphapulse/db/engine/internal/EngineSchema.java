package com.alphapulse.db.engine.internal;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The engine's own schema, {@value #SCHEMA}: outside {@code public}, so that verification and the jOOQ
 * types never see it. Holds the journal and the archive of tenant data that undo steps dropped.
 */
final class EngineSchema {

    static final String SCHEMA = "alphapulse_migration";
    static final String JOURNAL = SCHEMA + ".journal";
    static final String ARCHIVE_TENANTS = SCHEMA + ".archive_tenants";
    static final String ARCHIVE_TENANT_IDS = SCHEMA + ".archive_tenant_ids";

    private static final String[] DDL = {
        "CREATE SCHEMA IF NOT EXISTS " + SCHEMA,
        "CREATE TABLE IF NOT EXISTS " + JOURNAL + " ("
            + " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
            + " run_id uuid NOT NULL,"
            + " version varchar(10) NOT NULL,"
            + " direction varchar(10) NOT NULL CHECK (direction IN ('UP', 'DOWN', 'STAMP', 'REPAIR')),"
            + " db_user text NOT NULL DEFAULT current_user,"
            + " os_user text,"
            + " reason text,"
            + " started_at timestamptz NOT NULL,"
            + " finished_at timestamptz NOT NULL,"
            + " duration_ms bigint NOT NULL,"
            + " rows_archived bigint NOT NULL DEFAULT 0,"
            + " rows_restored bigint NOT NULL DEFAULT 0,"
            + " outcome varchar(10) NOT NULL CHECK (outcome IN ('SUCCESS', 'FAILED')),"
            + " message text)",
        // Whole tenant rows as jsonb: restored with jsonb_populate_record, so every column comes back
        // exactly, whatever columns the tenants table has.
        "CREATE TABLE IF NOT EXISTS " + ARCHIVE_TENANTS + " ("
            + " version integer NOT NULL,"
            + " id uuid NOT NULL,"
            + " row_data jsonb NOT NULL,"
            + " archived_at timestamptz NOT NULL DEFAULT now(),"
            + " PRIMARY KEY (version, id))",
        "CREATE TABLE IF NOT EXISTS " + ARCHIVE_TENANT_IDS + " ("
            + " version integer NOT NULL,"
            + " table_name text NOT NULL,"
            + " pk bigint NOT NULL,"
            + " tenant_id uuid NOT NULL,"
            + " table_oid oid NOT NULL,"
            + " archived_at timestamptz NOT NULL DEFAULT now(),"
            + " PRIMARY KEY (version, table_name, pk))"
    };

    /**
     * The table the archived ids belong to, by pg_class oid: a table dropped and re-created (by a deeper
     * rollback, or by hand) gets a new oid, and its reused ids must never receive the old rows' tenants. Added
     * to an archive created before the column existed; such rows have no oid and are never restored.
     */
    private static final String ADD_TABLE_OID =
            "ALTER TABLE " + ARCHIVE_TENANT_IDS + " ADD COLUMN IF NOT EXISTS table_oid oid";

    private EngineSchema() {}

    static boolean exists(Connection c) throws SQLException {
        return Boolean.TRUE.equals(Sql.ctx(c).fetchValue(
                "SELECT to_regclass(?) IS NOT NULL AND to_regclass(?) IS NOT NULL AND to_regclass(?) IS NOT NULL",
                JOURNAL, ARCHIVE_TENANTS, ARCHIVE_TENANT_IDS));
    }

    private static boolean hasTableOid(Connection c) throws SQLException {
        return Boolean.TRUE.equals(Sql.ctx(c).fetchValue("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(?) "
                + "AND attname = 'table_oid' AND NOT attisdropped)", ARCHIVE_TENANT_IDS));
    }

    /**
     * Creates what is missing, in one transaction. Checked first, because CREATE SCHEMA IF NOT EXISTS still
     * needs the CREATE privilege on the database, which a user allowed to migrate may well lack.
     */
    static void ensure(Connection c) throws SQLException {
        boolean exists = exists(c);
        if (exists && hasTableOid(c)) {
            return;
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            for (String ddl : exists ? new String[] {ADD_TABLE_OID} : DDL) {
                Sql.execute(c, ddl);
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            Connections.rollbackQuietly(c);
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }
}
