package com.alphapulse.db.engine.internal;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The engine's own schema, {@value #SCHEMA}: outside {@code public}, so that verification and the jOOQ
 * types never see it. Holds the journal and the archive of what undo steps dropped (see {@link Archive}).
 *
 * <p>The archive is generic: {@code archive_rows} keeps whole rows of dropped tables, {@code archive_columns}
 * the values of dropped columns keyed by their row's primary key, {@code archive_grants} the privileges of
 * dropped tables and columns, {@code archive_sequences} where the sequences of dropped tables stood,
 * {@code archive_sequence_grants} the privileges on those sequences and {@code archive_owners} a dropped table's
 * owner when it was not the migrating user.
 * Databases archived by an older engine have {@code archive_tenants} (whole tenant rows) and
 * {@code archive_tenant_ids} (each row's tenant_id); {@link #ensure} moves their rows into the generic tables,
 * where they are two cases like any other, and drops them.
 */
final class EngineSchema {

    static final String SCHEMA = "alphapulse_migration";
    static final String JOURNAL = SCHEMA + ".journal";
    static final String ARCHIVE_ROWS = SCHEMA + ".archive_rows";
    static final String ARCHIVE_COLUMNS = SCHEMA + ".archive_columns";
    static final String ARCHIVE_GRANTS = SCHEMA + ".archive_grants";
    static final String ARCHIVE_SEQUENCES = SCHEMA + ".archive_sequences";
    static final String ARCHIVE_SEQUENCE_GRANTS = SCHEMA + ".archive_sequence_grants";
    static final String ARCHIVE_OWNERS = SCHEMA + ".archive_owners";
    /** Where an online version (one that runs outside a transaction) stands, statement by statement. */
    static final String ONLINE_PROGRESS = SCHEMA + ".online_progress";
    /** Rows of a table that changed while a downgrade archived it in batches, archived again under the lock. */
    static final String ARCHIVE_DELTA = SCHEMA + ".archive_delta";
    /** Written by engines before the generic archive; read by status, migrated by {@link #ensure}. */
    static final String LEGACY_TENANTS = SCHEMA + ".archive_tenants";
    static final String LEGACY_TENANT_IDS = SCHEMA + ".archive_tenant_ids";

    /** Every journal direction; a journal made by an older engine gets its check widened by {@link #ensure}. */
    /** Every journal outcome; INTERRUPTED came later, so an older journal gets the check (and the column) widened by {@link #ensure}. */
    private static final String OUTCOMES = "('SUCCESS', 'FAILED', 'INTERRUPTED')";
    private static final String DIRECTIONS = "('UP', 'DOWN', 'STAMP', 'REPAIR', 'PROVISION', 'PURGE')";

    static final String[] DDL = {
        "CREATE SCHEMA IF NOT EXISTS " + SCHEMA,
        // The archive holds every tenant's dropped rows with no row-level security: only its owner, the migration
        // role, may read it. A new schema grants PUBLIC nothing, but a database's default privileges may, so the
        // grants are revoked explicitly, from PUBLIC and from whoever else holds one (see privateSchema).
        "REVOKE ALL ON SCHEMA " + SCHEMA + " FROM PUBLIC",
        "CREATE TABLE IF NOT EXISTS " + JOURNAL + " ("
            + " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
            + " run_id uuid NOT NULL,"
            + " version varchar(10) NOT NULL,"
            + " direction varchar(10) NOT NULL CHECK (direction IN " + DIRECTIONS + "),"
            + " db_user text NOT NULL DEFAULT current_user,"
            + " os_user text,"
            + " reason text,"
            + " started_at timestamptz NOT NULL,"
            + " finished_at timestamptz NOT NULL,"
            + " duration_ms bigint NOT NULL,"
            + " rows_archived bigint NOT NULL DEFAULT 0,"
            + " rows_restored bigint NOT NULL DEFAULT 0,"
            + " outcome varchar(12) NOT NULL CHECK (outcome IN " + OUTCOMES + "),"
            + " message text)",
        // Whole rows as jsonb (to_jsonb of the row): put back with jsonb_populate_record, so every column comes
        // back exactly, whatever the table's columns and types. id keeps the order tables were dropped in
        // (children first), so a restore in reverse order inserts parents first. table_oid names the dropped
        // table; a column archive bound to it follows its rows into the re-created table. pk is null for a
        // table without a primary key.
        "CREATE TABLE IF NOT EXISTS " + ARCHIVE_ROWS + " ("
            + " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
            + " version integer NOT NULL,"
            + " table_name text NOT NULL,"
            + " table_oid oid,"
            + " pk jsonb,"
            + " row_data jsonb NOT NULL,"
            + " archived_at timestamptz NOT NULL DEFAULT now())",
        "CREATE INDEX IF NOT EXISTS archive_rows_version ON " + ARCHIVE_ROWS + " (version, table_name)",
        // One dropped column's value per row, keyed by the row's primary key as jsonb (any type, composite
        // too). table_oid binds it to the table it was taken from: a table re-created outside the engine has a
        // new oid and reuses keys for other rows. ref_table/ref_column: the single-column foreign key the column
        // had, so a value whose parent row is gone is not put back (the key would not hold).
        "CREATE TABLE IF NOT EXISTS " + ARCHIVE_COLUMNS + " ("
            + " version integer NOT NULL,"
            + " table_name text NOT NULL,"
            + " column_name text NOT NULL,"
            + " table_oid oid,"
            + " pk jsonb NOT NULL,"
            + " value jsonb,"
            + " ref_table text,"
            + " ref_column text,"
            + " archived_at timestamptz NOT NULL DEFAULT now(),"
            + " PRIMARY KEY (version, table_name, column_name, pk))",
        // Every foreign key the column was part of, composite ones too: [{"table": t, "columns": {local: referenced}}].
        // A value goes back only when each of them still holds with it (MATCH SIMPLE: unless a key column is NULL).
        "ALTER TABLE " + ARCHIVE_COLUMNS + " ADD COLUMN IF NOT EXISTS ref_keys jsonb",
        "ALTER TABLE " + JOURNAL + " DROP CONSTRAINT IF EXISTS journal_direction_check, ADD CONSTRAINT journal_direction_check "
            + "CHECK (direction IN " + DIRECTIONS + ")",
        // varchar(10) held neither 'INTERRUPTED' nor the check's new value; widening a varchar rewrites no row. Only when
        // still narrower (typmod is the length + 4): ALTER COLUMN TYPE is refused, even to the same type, while a view
        // depends on the column, and this list runs again whenever the schema is not private (a grant on the journal to a
        // reporting role, which such a view often comes with), so an unconditional one stopped every mutating command.
        "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '" + JOURNAL + "'::regclass AND attname = 'outcome' "
            + "AND atttypid = 'varchar'::regtype AND atttypmod BETWEEN 0 AND 15) THEN ALTER TABLE " + JOURNAL
            + " ALTER COLUMN outcome TYPE varchar(12); END IF; END $$",
        "ALTER TABLE " + JOURNAL + " DROP CONSTRAINT IF EXISTS journal_outcome_check, "
            + "ADD CONSTRAINT journal_outcome_check CHECK (outcome IN " + OUTCOMES + ")",
        // Table privileges (column_name '') and column privileges, as aclexplode reports them.
        "CREATE TABLE IF NOT EXISTS " + ARCHIVE_GRANTS + " ("
            + " version integer NOT NULL,"
            + " table_name text NOT NULL,"
            + " column_name text NOT NULL DEFAULT '',"
            + " grantee text NOT NULL,"
            + " privilege text NOT NULL,"
            + " grantable boolean NOT NULL,"
            + " archived_at timestamptz NOT NULL DEFAULT now(),"
            + " PRIMARY KEY (version, table_name, column_name, grantee, privilege))",
        // Where a dropped table's serial/identity sequences stood, so that ids are not handed out again.
        "CREATE TABLE IF NOT EXISTS " + ARCHIVE_SEQUENCES + " ("
            + " version integer NOT NULL,"
            + " table_name text NOT NULL,"
            + " column_name text NOT NULL,"
            + " last_value bigint NOT NULL,"
            + " is_called boolean NOT NULL,"
            + " archived_at timestamptz NOT NULL DEFAULT now(),"
            + " PRIMARY KEY (version, table_name, column_name))",
        // The privileges others hold on a dropped table's serial/identity sequences (column_name: the column
        // owning the sequence), as aclexplode reports them: without USAGE an INSERT taking the next id fails.
        "CREATE TABLE IF NOT EXISTS " + ARCHIVE_SEQUENCE_GRANTS + " ("
            + " version integer NOT NULL,"
            + " table_name text NOT NULL,"
            + " column_name text NOT NULL,"
            + " grantee text NOT NULL,"
            + " privilege text NOT NULL,"
            + " grantable boolean NOT NULL,"
            + " archived_at timestamptz NOT NULL DEFAULT now(),"
            + " PRIMARY KEY (version, table_name, column_name, grantee, privilege))",
        // The owner of a dropped table, when it was not the user who ran the downgrade.
        "CREATE TABLE IF NOT EXISTS " + ARCHIVE_OWNERS + " ("
            + " version integer NOT NULL,"
            + " table_name text NOT NULL,"
            + " owner text NOT NULL,"
            + " archived_at timestamptz NOT NULL DEFAULT now(),"
            + " PRIMARY KEY (version, table_name))",
        // One row per statement an online version reached (step: its ordinal in the script); a batched one also
        // records the last primary key it finished, so that a re-run resumes after it. Cleared when the version is done.
        "CREATE TABLE IF NOT EXISTS " + ONLINE_PROGRESS + " ("
            + " version integer NOT NULL,"
            + " step integer NOT NULL,"
            + " phase text NOT NULL,"
            + " table_name text,"
            + " last_key text,"
            + " rows_done bigint NOT NULL DEFAULT 0,"
            + " rows_total bigint,"
            + " started_at timestamptz NOT NULL DEFAULT now(),"
            + " updated_at timestamptz NOT NULL DEFAULT now(),"
            + " PRIMARY KEY (version, step))",
        "CREATE TABLE IF NOT EXISTS " + ARCHIVE_DELTA + " ("
            + " table_oid oid NOT NULL,"
            + " pk jsonb NOT NULL,"
            + " PRIMARY KEY (table_oid, pk))",
        // Written by the trigger the application's own writes fire: definer's rights, fixed search_path, so
        // the application role needs no privilege on this schema.
        "CREATE OR REPLACE FUNCTION " + SCHEMA + ".record_delta() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
            + "SET search_path = pg_catalog, pg_temp AS $$ DECLARE k jsonb; BEGIN "
            + "IF TG_OP IN ('UPDATE', 'DELETE') THEN k := (SELECT jsonb_object_agg(key, value) FROM jsonb_each(to_jsonb(OLD)) "
            + "WHERE key = ANY (TG_ARGV)); INSERT INTO " + ARCHIVE_DELTA + " VALUES (TG_RELID, k) ON CONFLICT DO NOTHING; END IF; "
            + "IF TG_OP IN ('UPDATE', 'INSERT') THEN k := (SELECT jsonb_object_agg(key, value) FROM jsonb_each(to_jsonb(NEW)) "
            + "WHERE key = ANY (TG_ARGV)); INSERT INTO " + ARCHIVE_DELTA + " VALUES (TG_RELID, k) ON CONFLICT DO NOTHING; END IF; "
            + "RETURN NULL; END $$"
    };

    /**
     * Moves an older engine's archive into the generic tables. Tenant rows keep their data; tenant_ids keep
     * their table oid (rows archived before the oid was recorded have none and are never restored, as before)
     * and their foreign key to tenants. Only then are the old tables dropped, in the same transaction.
     */
    private static final String[] MIGRATE_TENANTS = {
        "INSERT INTO " + ARCHIVE_ROWS + " (version, table_name, table_oid, pk, row_data, archived_at) "
            + "SELECT version, 'tenants', NULL, jsonb_build_object('id', id), row_data, archived_at FROM " + LEGACY_TENANTS
            + " ORDER BY version, id",
        "DROP TABLE " + LEGACY_TENANTS
    };
    private static final String[] MIGRATE_TENANT_IDS = {
        "ALTER TABLE " + LEGACY_TENANT_IDS + " ADD COLUMN IF NOT EXISTS table_oid oid",
        "INSERT INTO " + ARCHIVE_COLUMNS + " (version, table_name, column_name, table_oid, pk, value, ref_table, ref_column, "
            + "archived_at) SELECT version, table_name, 'tenant_id', table_oid, jsonb_build_object('id', pk), to_jsonb(tenant_id), "
            + "'tenants', 'id', archived_at FROM " + LEGACY_TENANT_IDS + " ON CONFLICT DO NOTHING",
        "DROP TABLE " + LEGACY_TENANT_IDS
    };

    private EngineSchema() {}

    /** Whether the journal exists: enough to read and write it, whatever the archive's shape. */
    static boolean journalExists(Connection c) throws SQLException {
        return relationExists(c, JOURNAL);
    }

    /** Whether the schema is complete and current: journal and generic archive, no older archive left. */
    static boolean exists(Connection c) throws SQLException {
        return Boolean.TRUE.equals(Sql.ctx(c).fetchValue(
                "SELECT to_regclass(?) IS NOT NULL AND to_regclass(?) IS NOT NULL AND to_regclass(?) IS NOT NULL "
                        + "AND to_regclass(?) IS NOT NULL AND to_regclass(?) IS NOT NULL AND to_regclass(?) IS NOT NULL "
                        + "AND to_regclass(?) IS NOT NULL AND to_regclass(?) IS NOT NULL AND to_regclass(?) IS NOT NULL "
                        + "AND to_regclass(?) IS NULL AND to_regclass(?) IS NULL",
                JOURNAL, ARCHIVE_ROWS, ARCHIVE_COLUMNS, ARCHIVE_GRANTS, ARCHIVE_SEQUENCES, ARCHIVE_SEQUENCE_GRANTS, ARCHIVE_OWNERS,
                ONLINE_PROGRESS, ARCHIVE_DELTA, LEGACY_TENANTS, LEGACY_TENANT_IDS)) && Boolean.TRUE.equals(Sql.ctx(c).fetchValue("SELECT EXISTS (SELECT 1 FROM "
                        + "pg_attribute WHERE attrelid = to_regclass(?) AND attname = 'ref_keys' AND NOT attisdropped)", ARCHIVE_COLUMNS))
                && Boolean.TRUE.equals(Sql.ctx(c).fetchValue("SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = "
                        + "to_regclass(?) AND conname = 'journal_direction_check' AND pg_get_constraintdef(oid) LIKE '%PURGE%')", JOURNAL))
                && Boolean.TRUE.equals(Sql.ctx(c).fetchValue("SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = "
                        + "to_regclass(?) AND conname = 'journal_outcome_check' AND pg_get_constraintdef(oid) LIKE '%INTERRUPTED%')", JOURNAL))
                && isPrivate(c);
    }

    /**
     * Whether nobody but the schema's owner holds a privilege on the schema or on a table in it. Superusers read
     * it anyway; anybody else who could would read every tenant's archived rows, which row-level security never
     * covers there.
     */
    private static final String ME = "(SELECT oid FROM pg_roles WHERE rolname = current_user)";

    static boolean isPrivate(Connection c) throws SQLException {
        // The user running the engine is the migration role (or was handed the archive): its own grants are fine.
        // What it does not own, it cannot revoke: counted as private then, left to the owner.
        return Boolean.TRUE.equals(Sql.ctx(c).fetchValue("SELECT NOT EXISTS (SELECT 1 FROM pg_namespace n, "
                + "aclexplode(n.nspacl) a WHERE n.nspname = ? AND a.grantee NOT IN (n.nspowner, " + ME + ") "
                + "AND pg_has_role(current_user, n.nspowner, 'USAGE')) AND NOT EXISTS (SELECT 1 "
                + "FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace, aclexplode(t.relacl) a "
                + "WHERE n.nspname = ? AND a.grantee NOT IN (t.relowner, " + ME + ") AND pg_has_role(current_user, t.relowner, "
                + "'USAGE'))", SCHEMA, SCHEMA));
    }

    /** Revokes every privilege others hold on the schema and its tables (a database's default privileges may grant them). */
    private static void privateSchema(Connection c) throws SQLException {
        for (org.jooq.Record r : Sql.ctx(c).fetch("SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE "
                + "quote_ident(pg_get_userbyid(a.grantee)) END FROM pg_namespace n, aclexplode(n.nspacl) a "
                + "WHERE n.nspname = ? AND a.grantee NOT IN (n.nspowner, " + ME + ") AND pg_has_role(current_user, n.nspowner, "
                + "'USAGE')", SCHEMA)) {
            Sql.execute(c, "REVOKE ALL ON SCHEMA " + SCHEMA + " FROM " + r.get(0, String.class));
        }
        for (org.jooq.Record r : Sql.ctx(c).fetch("SELECT DISTINCT quote_ident(t.relname), CASE WHEN a.grantee = 0 "
                + "THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END FROM pg_class t JOIN pg_namespace n "
                + "ON n.oid = t.relnamespace, aclexplode(t.relacl) a WHERE n.nspname = ? AND a.grantee NOT IN (t.relowner, " + ME
                + ") AND pg_has_role(current_user, t.relowner, 'USAGE')", SCHEMA)) {
            Sql.execute(c, "REVOKE ALL ON " + SCHEMA + "." + r.get(0, String.class) + " FROM " + r.get(1, String.class));
        }
    }

    static boolean relationExists(Connection c, String qualified) throws SQLException {
        return Boolean.TRUE.equals(Sql.value(c, "SELECT to_regclass(?) IS NOT NULL", qualified));
    }

    /**
     * Creates what is missing and migrates an older archive, in one transaction. Checked first, because
     * CREATE SCHEMA IF NOT EXISTS still needs the CREATE privilege on the database, which a user allowed to
     * migrate may well lack.
     */
    static void ensure(Connection c) throws SQLException {
        if (exists(c)) {
            return;
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            boolean schema = Boolean.TRUE.equals(Sql.ctx(c).fetchValue(
                    "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ?)", SCHEMA));
            for (String ddl : DDL) {
                if (!(schema && ddl.startsWith("CREATE SCHEMA"))) {
                    Sql.execute(c, ddl);
                }
            }
            privateSchema(c);
            if (relationExists(c, LEGACY_TENANTS)) {
                for (String sql : MIGRATE_TENANTS) {
                    Sql.execute(c, sql);
                }
            }
            if (relationExists(c, LEGACY_TENANT_IDS)) {
                for (String sql : MIGRATE_TENANT_IDS) {
                    Sql.execute(c, sql);
                }
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
