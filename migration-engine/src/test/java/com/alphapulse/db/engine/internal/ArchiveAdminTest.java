package com.alphapulse.db.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.alphapulse.db.engine.DowngradeOptions;
import com.alphapulse.db.engine.ListArchiveResult;
import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.PurgeArchiveResult;
import com.alphapulse.db.testing.AlphaPulseRows;
import com.alphapulse.db.testing.OwnerDatabase;
import com.alphapulse.db.testing.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The archive as a DBA manages it, as the production owner after provision: list shows what is kept per version,
 * table and tenant; purge retires one version's archive and journals it; and nobody but the owner can read the
 * archive, even with default privileges or a grant on the schema someone added by hand.
 */
class ArchiveAdminTest {

    private static MigrationEngine engine(DataSource ds) {
        return MigrationEngine.configure().dataSource(ds).reason("archive admin test").load();
    }

    @Test
    void listShowsEveryTenantsArchivedRowsAndPurgeRetiresOneVersionJournaled() {
        OwnerDatabase owner = OwnerDatabase.create("archive_admin");
        engine(owner.db().dataSource()).provision(owner.role(), true);
        MigrationEngine e = engine(owner.dataSource());
        e.upgrade("head");
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        AlphaPulseRows.loadTenant(owner.asOwner(), a, "la", 4);
        AlphaPulseRows.loadTenant(owner.asOwner(), b, "lb", 2);
        e.downgrade("006", DowngradeOptions.defaults());

        ListArchiveResult list = e.listArchive();

        assertThat(list.entries()).filteredOn(x -> x.version().equals("007") && x.table().equals("trades"))
                .extracting(ListArchiveResult.Entry::tenant, ListArchiveResult.Entry::rows)
                .contains(org.assertj.core.groups.Tuple.tuple(a.toString(), 4L), org.assertj.core.groups.Tuple.tuple(b.toString(), 2L));
        assertThat(list.entries()).allMatch(x -> x.column().equals("tenant_id") && !x.stranded());

        MigrationException none = catchThrowableOfType(() -> e.purgeArchive("005"), MigrationException.class);
        assertThat(none.code()).isEqualTo(MigrationException.Code.INVALID_TARGET);
        PurgeArchiveResult purged = e.purgeArchive("007");

        assertThat(purged.rows()).isEqualTo(list.rows());
        assertThat(e.listArchive().entries()).isEmpty();
        assertThat(TestDatabases.count(owner.db(), "SELECT count(*) FROM alphapulse_migration.journal WHERE direction = 'PURGE' "
                + "AND version = '007' AND message LIKE '%" + list.rows() + " row(s)%'")).isEqualTo(1);
    }

    @Test
    void onlyTheOwnerReadsTheArchiveWhateverDefaultPrivilegesOrGrantsSay() throws SQLException {
        OwnerDatabase owner = OwnerDatabase.create("archive_private");
        String reader = "reader_" + UUID.randomUUID().toString().substring(0, 8);
        owner.asAdmin("CREATE ROLE " + reader + " LOGIN");
        engine(owner.db().dataSource()).provision(owner.role(), true);
        // What a DBA typically sets up for a read-only reporting role: every table the owner creates is readable.
        try (Connection c = owner.connect(); Statement s = c.createStatement()) {
            s.execute("ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO " + reader);
            s.execute("ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO " + reader);
        }
        MigrationEngine e = engine(owner.dataSource());
        e.upgrade("head");
        AlphaPulseRows.loadTenant(owner.asOwner(), UUID.randomUUID(), "pa", 3);
        e.downgrade("006", DowngradeOptions.defaults());

        assertThat(readable(owner, reader)).as("after the downgrade").isFalse();
        owner.asAdmin("GRANT USAGE ON SCHEMA alphapulse_migration TO " + reader);
        owner.asAdmin("GRANT SELECT ON alphapulse_migration.archive_columns TO " + reader);
        assertThat(readable(owner, reader)).as("granted by hand").isTrue();
        e.upgrade("head");
        assertThat(readable(owner, reader)).as("after the next run").isFalse();
    }

    private static boolean readable(OwnerDatabase owner, String reader) {
        return TestDatabases.count(owner.db(), "SELECT CASE WHEN has_schema_privilege('" + reader + "', 'alphapulse_migration', "
                + "'USAGE') AND has_table_privilege('" + reader + "', 'alphapulse_migration.archive_columns', 'SELECT') THEN 1 ELSE 0 END") == 1;
    }
}
