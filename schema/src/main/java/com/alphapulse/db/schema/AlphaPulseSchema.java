package com.alphapulse.db.schema;

import com.alphapulse.db.migrations.MigrationSet;

/**
 * The AlphaPulse migration set, the default of every tool, and the two names its row-level security
 * design fixes. Its versions, scripts and expected catalogs are data ({@link MigrationSet}); the jOOQ
 * types of the newest version are in {@code com.alphapulse.db.schema.head}, those of each version in
 * {@code com.alphapulse.db.schema.vNNN}. The main jar carries {@code head} only; the per-version packages are the
 * {@code schema:versions} artifact, without which {@code SchemaVersion.jooqSchema()} of this set fails with
 * {@code MISSING_RESOURCE}.
 */
public final class AlphaPulseSchema {

    /** Where the set lives on the classpath: {@code migration/}, {@code undo/}, {@code expected/}. */
    public static final String RESOURCE_ROOT = "db/alphapulse";
    /** The tenant that owns every row that existed before multi-tenancy. */
    public static final String DEFAULT_TENANT_ID = "00000000-0000-0000-0000-000000000001";
    /** The session setting row-level security keys on. */
    public static final String TENANT_SETTING = "app.current_tenant_id";

    /**
     * The eight tables that carry tenant_id from version 007 on, for tests that seed them by name; the
     * tools read the tenant tables from the catalog instead.
     */
    public static final java.util.List<String> TENANT_TABLES = java.util.List.of("users", "trading_accounts", "trades",
            "positions", "portfolio_snapshots", "risk_metrics", "agent_signals", "audit_logs");

    private static final MigrationSet SET =
            MigrationSet.classpath(AlphaPulseSchema.class.getClassLoader(), RESOURCE_ROOT, "com.alphapulse.db.schema.v");

    private AlphaPulseSchema() {}

    /** The AlphaPulse migration set. */
    public static MigrationSet migrations() {
        return SET;
    }
}
