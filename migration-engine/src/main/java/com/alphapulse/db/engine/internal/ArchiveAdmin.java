package com.alphapulse.db.engine.internal;

import com.alphapulse.db.engine.Direction;
import com.alphapulse.db.engine.ListArchiveResult;
import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.MigrationException.Code;
import com.alphapulse.db.engine.Outcome;
import com.alphapulse.db.engine.PurgeArchiveResult;
import com.alphapulse.db.migrations.Version;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jooq.Record;

/**
 * The archive as a DBA manages it: what is kept, per version, table and tenant, and retiring a version's archive
 * by hand (e.g. once a rollback is final and the data must not linger), journaled.
 */
public final class ArchiveAdmin {

    // A row of a dropped table names its tenant in its tenant_id, or, for the registry itself, in its own id; a
    // dropped tenant_id column is the tenant. Anything else does not say whose it is.
    private static final String ROWS = "SELECT abs(version) AS version, table_name, '' AS column_name, "
            + "COALESCE(row_data ->> 'tenant_id', CASE WHEN table_name = 'tenants' THEN row_data ->> 'id' END) AS tenant, "
            + "archived_at FROM " + EngineSchema.ARCHIVE_ROWS;
    private static final String COLUMNS = "SELECT abs(version), table_name, column_name, "
            + "CASE WHEN column_name = 'tenant_id' THEN value #>> '{}' END, archived_at FROM " + EngineSchema.ARCHIVE_COLUMNS;

    private ArchiveAdmin() {}

    public static ListArchiveResult list(EngineSettings s) {
        Instant start = Instant.now();
        return EngineConnections.withConnection(s, "list the archive", c -> new ListArchiveResult(entries(c, null),
                Duration.between(start, Instant.now())));
    }

    // The advisory lock is held by scope alone: try-with-resources releases it however the run ends.
    @SuppressWarnings("try")
    public static PurgeArchiveResult purge(EngineSettings s, String versionText) {
        Instant start = Instant.now();
        Version version = Version.parse(versionText == null ? "" : versionText).orElseThrow(() ->
                new MigrationException(Code.INVALID_TARGET, "not a version: " + versionText + " (e.g. 007)"));
        if (version.isBase() || s.migrations().get(version).isEmpty()) {
            throw new MigrationException(Code.UNKNOWN_VERSION, "version " + versionText + " is not in the schema");
        }
        return EngineConnections.withLock(s, "purge the archive", c -> {
            List<ListArchiveResult.Entry> removed = entries(c, version.number());
            if (removed.isEmpty()) {
                throw new MigrationException(Code.INVALID_TARGET, "nothing is archived for " + version.label()
                        + "; nothing was changed");
            }
            c.setAutoCommit(false);
            try {
                for (String table : Archive.tables()) {
                    Sql.ctx(c).execute("DELETE FROM " + table + " WHERE abs(version) = ?", version.number());
                }
                long rows = removed.stream().mapToLong(ListArchiveResult.Entry::rows).sum();
                Journal.write(c, s, new Journal.Step(UUID.randomUUID(), version, Direction.PURGE, start, Instant.now(), 0, 0,
                        Outcome.SUCCESS, "purged the archive of " + version.label() + ": " + rows + " row(s) and value(s) of "
                                + String.join(", ", removed.stream().map(e -> e.table() + (e.column().isEmpty() ? "" : "." + e.column()))
                                        .distinct().toList()) + " deleted for good"));
                c.commit();
            } catch (SQLException | RuntimeException e) {
                Connections.rollbackQuietly(c);
                throw e;
            }
            return new PurgeArchiveResult(version.label(), removed, Duration.between(start, Instant.now()));
        });
    }

    private static List<ListArchiveResult.Entry> entries(Connection c, Integer only) throws SQLException {
        if (!EngineSchema.relationExists(c, EngineSchema.ARCHIVE_ROWS) || !EngineSchema.relationExists(c, EngineSchema.ARCHIVE_COLUMNS)) {
            return List.of();
        }
        Version current = HistoryTable.state(c).current();
        List<ListArchiveResult.Entry> out = new ArrayList<>();
        for (Record r : Sql.ctx(c).fetch("SELECT version, table_name, column_name, tenant, count(*), min(archived_at) FROM ("
                + ROWS + " UNION ALL " + COLUMNS + ") x (version, table_name, column_name, tenant, archived_at)"
                + (only == null ? "" : " WHERE version = " + only.intValue())
                + " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4 NULLS LAST")) {
            int version = r.get(0, Integer.class);
            out.add(new ListArchiveResult.Entry(Targets.label(version), r.get(1, String.class), r.get(2, String.class),
                    r.get(3, String.class), r.get(4, Long.class), r.get(5, OffsetDateTime.class).toInstant(),
                    version <= current.number()));
        }
        return out;
    }
}
