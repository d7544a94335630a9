package com.alphapulse.db.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.testing.MigrationSets;
import com.alphapulse.db.testing.OwnerDatabase;
import com.alphapulse.db.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A version written after the engine: its undo drops a column of a table whose row-level security is FORCE'd and
 * stays on while the undo runs. As the production owner (not superuser, not BYPASSRLS) every query sees one
 * tenant's rows or none; proves the archive and the restore still take every tenant's values, and that the table
 * is forced again afterwards.
 */
class RowSecurityTest {

    @Test
    void aColumnDroppedFromAForcedTableIsArchivedAndRestoredForEveryTenant() throws Exception {
        Path dir = MigrationSets.copyScripts(MigrationSets.fixture());
        int next = MigrationSets.fixture().head().number() + 1;
        Files.writeString(dir.resolve("migration").resolve(String.format("V%03d__note_mood.sql", next)),
                "ALTER TABLE notes ADD COLUMN mood text;\n");
        Files.writeString(dir.resolve("undo").resolve(String.format("U%03d__note_mood.sql", next)),
                "ALTER TABLE notes DROP COLUMN mood;\n");
        MigrationSet set = MigrationSets.generate(dir);
        OwnerDatabase owner = OwnerDatabase.create("rls_archive");
        MigrationEngine admin = MigrationEngine.configure().dataSource(owner.db().dataSource()).migrations(set).reason("t").load();
        MigrationEngine engine = MigrationEngine.configure().dataSource(owner.dataSource()).migrations(set).reason("t").load();
        admin.provision(owner.role(), true);
        engine.upgrade("head");
        // Two tenants' notes, written by the superuser (which row-level security never filters).
        owner.asAdmin("""
                INSERT INTO tenants (id, name, slug) VALUES ('00000000-0000-0000-0000-00000000000a', 'A', 'a'),
                    ('00000000-0000-0000-0000-00000000000b', 'B', 'b');
                INSERT INTO accounts (name, tenant_id) SELECT 'acc-' || t, t::uuid FROM (VALUES
                    ('00000000-0000-0000-0000-00000000000a'), ('00000000-0000-0000-0000-00000000000b')) v (t);
                INSERT INTO notes (tenant_id, account_id, body, mood)
                SELECT a.tenant_id, a.id, 'note ' || g, 'mood ' || g || ' of ' || a.name FROM accounts a, generate_series(1, 5) g;
                """);
        String before = checksum(owner);

        DowngradeResult down = engine.downgrade(set.previous(set.head().version()).label(), DowngradeOptions.defaults());
        assertThat(down.versions()).singleElement().satisfies(r -> assertThat(r.rowsArchived()).isEqualTo(10));
        UpgradeResult up = engine.upgrade("head");

        assertThat(up.versions()).singleElement().satisfies(r -> {
            assertThat(r.rowsRestored()).isEqualTo(10);
            assertThat(r.rowsSkipped()).isZero();
        });
        assertThat(engine.listArchive().entries()).as("nothing stranded in the archive").isEmpty();
        assertThat(checksum(owner)).isEqualTo(before);
        assertThat(TestDatabases.count(owner.db(), "SELECT count(*) FROM pg_class WHERE relname = 'notes' AND relforcerowsecurity"))
                .isEqualTo(1);
    }

    private static String checksum(OwnerDatabase owner) {
        return String.valueOf(TestDatabases.count(owner.db(), "SELECT count(*) FROM notes WHERE mood IS NOT NULL")) + ":"
                + TestDatabases.count(owner.db(), "SELECT sum(hashtext(id || mood)) FROM notes");
    }
}
