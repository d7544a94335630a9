package com.alphapulse.db.engine;

import static com.alphapulse.db.engine.Fixtures.count;
import static com.alphapulse.db.engine.Fixtures.exec;
import static com.alphapulse.db.engine.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.testing.MigrationSets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Review findings on the archive: what a dropped table or column must bring back, and what a plan must show. */
class ArchiveReviewTest {

    private static MigrationEngine engine(Database db, MigrationSet set) {
        return MigrationEngine.configure().dataSource(db.dataSource()).migrations(set).reason(Fixtures.REASON).load();
    }

    private static void write(Path dir, String name, String migration, String undo) throws IOException {
        Files.writeString(dir.resolve("migration").resolve("V" + name + ".sql"), migration);
        Files.writeString(dir.resolve("undo").resolve("U" + name + ".sql"), undo);
    }

    @Test
    @DisplayName("an empty dropped table keeps its sequence position: 1000 rows inserted and deleted, base, 001 -> next id 1001; "
            + "archive_sequences retired")
    void empty_table_keeps_its_sequence() {
        MigrationSet set = MigrationSets.fixture();
        Database db = Fixtures.database("review_seq");
        try {
            MigrationEngine engine = engine(db, set);
            engine.upgrade("001");
            exec(db, "INSERT INTO public.accounts (name) SELECT 'a' || g FROM generate_series(1, 1000) g",
                    "DELETE FROM public.accounts");
            engine.downgrade("base", DowngradeOptions.defaults());
            assertThat(count(db, "SELECT count(*) FROM alphapulse_migration.archive_sequences WHERE table_name = 'accounts'"))
                    .isOne();
            engine.upgrade("001");
            exec(db, "INSERT INTO public.accounts (name) VALUES ('x')");
            assertThat(text(db, "SELECT id FROM public.accounts")).isEqualTo("1001");
            assertThat(count(db, "SELECT count(*) FROM alphapulse_migration.archive_sequences")).as("retired").isZero();
        } finally {
            Fixtures.drop(db);
        }
    }
}
