package com.alphapulse.db.engine;

import static com.alphapulse.db.engine.Fixtures.exec;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.testing.MigrationSets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Dependents beyond views and foreign keys, on the fixture set and a version whose undo drops a column in the same
 * ALTER TABLE that adds a foreign key ON DELETE CASCADE: generated columns, policies, triggers and SQL-body functions
 * are named as blockers, and a CASCADE outside the DROP clause does not silence them.
 */
class MoreDependentsTest {

    static Database db;
    static MigrationEngine engine;

    @BeforeAll
    static void head() throws Exception {
        Path dir = ArchiveReviewTest.fixtureScripts();
        Files.writeString(dir.resolve("migration").resolve("V005__note_extra.sql"), "ALTER TABLE notes ADD COLUMN extra text;\n");
        Files.writeString(dir.resolve("undo").resolve("U005__note_extra.sql"), "ALTER TABLE notes DROP COLUMN extra, "
                + "ADD CONSTRAINT fk_notes_account_cascade FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE;\n");
        MigrationSet set = MigrationSets.generate(dir);
        db = Fixtures.database("more_dependents");
        engine = MigrationEngine.configure().dataSource(db.dataSource()).migrations(set).reason(Fixtures.REASON).load();
        engine.upgrade("head");
    }

    @AfterAll
    static void drop() {
        Fixtures.drop(db);
    }

    private static List<String> blockers(String target) {
        return engine.plan(target).blockers();
    }

    @Test
    @DisplayName("a generated column reading a dropped column blocks its drop")
    void generated_column() {
        exec(db, "ALTER TABLE public.entries ADD COLUMN tenant_tag text GENERATED ALWAYS AS (tenant_id::text) STORED");
        try {
            assertThat(blockers("002")).anySatisfy(b -> assertThat(b)
                    .startsWith("undo of 003 drops column entries.tenant_id, but column tenant_tag of table entries depends on it"));
        } finally {
            exec(db, "ALTER TABLE public.entries DROP COLUMN tenant_tag");
        }
    }

    @Test
    @DisplayName("a policy of another table reading a dropped table, a trigger on a dropped column and a SQL-body function "
            + "reading a dropped table block the drops")
    void policy_trigger_and_function() {
        exec(db, "CREATE TABLE public.watch (id int)", "ALTER TABLE public.watch ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY watch_notes ON public.watch USING (EXISTS (SELECT 1 FROM public.notes))",
                "CREATE TRIGGER accounts_tenant BEFORE UPDATE OF tenant_id ON public.accounts FOR EACH ROW "
                        + "EXECUTE FUNCTION suppress_redundant_updates_trigger()",
                "CREATE FUNCTION public.note_count() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM public.notes; END");
        try {
            List<String> blockers = blockers("002");
            assertThat(blockers).anySatisfy(b -> assertThat(b).startsWith("undo of 003 drops table notes, but ")
                    .contains("policy watch_notes on table watch").contains("function note_count()"));
            assertThat(blockers).anySatisfy(b -> assertThat(b)
                    .startsWith("undo of 003 drops column accounts.tenant_id, but trigger accounts_tenant on table accounts depends on it"));
        } finally {
            exec(db, "DROP TABLE public.watch", "DROP TRIGGER accounts_tenant ON public.accounts", "DROP FUNCTION public.note_count()");
        }
    }

    @Test
    @DisplayName("ON DELETE CASCADE in an ADD clause of the same ALTER TABLE does not make the DROP COLUMN a cascading one")
    void cascade_is_scoped_to_the_drop_clause() {
        exec(db, "CREATE VIEW public.note_extras AS SELECT extra FROM public.notes");
        try {
            assertThat(blockers("004")).singleElement().asString()
                    .startsWith("undo of 005 drops column notes.extra, but view public.note_extras depends on it");
        } finally {
            exec(db, "DROP VIEW public.note_extras");
        }
    }
}
