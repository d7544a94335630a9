package com.alphapulse.db.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.postgres.Database;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The progress listener hears about every table and column archived or restored, with rows and elapsed time. */
class ProgressTest {

    @Test
    @DisplayName("downgrade head -> 002 reports a line per archived table and column, upgrade back a line per restored one, each with its rows and time")
    void archive_and_restore_report_each_table_and_column() {
        Database db = Fixtures.database("progress_lines");
        try {
            Fixtures.engine(db).upgrade("head");
            com.alphapulse.db.testing.AlphaPulseRows.load(db, 2, 250);
            long trades = Fixtures.count(db, "SELECT count(*) FROM public.trades");
            long tenants = Fixtures.count(db, "SELECT count(*) FROM public.tenants");
            List<String> progress = new CopyOnWriteArrayList<>();
            MigrationEngine engine = Fixtures.config(db).progress(progress::add).load();

            engine.downgrade("002", DowngradeOptions.defaults());
            // archived online in batches, then caught up under the lock
            assertThat(progress).anySatisfy(l -> assertThat(l).matches(
                    "  archive trades\\.tenant_id \\(online\\): " + String.format(Locale.US, "%,d / %,d", trades, trades)
                            + " row\\(s\\), [\\d,]+/s, done in [\\d.]+ s"));
            assertThat(progress).anySatisfy(l -> assertThat(l).startsWith("  caught up trades (1 column(s) archived online"));
            assertThat(progress).anySatisfy(l -> assertThat(l).startsWith(
                    "  archived table tenants: " + String.format(Locale.US, "%,d", tenants) + " row(s) in "));
            int undo007 = indexOf(progress, "undo 007");
            int undo006 = indexOf(progress, "undo 006");
            assertThat(progress.subList(undo007, undo006)).filteredOn(l -> l.startsWith("  caught up ")).hasSize(7);

            progress.clear();
            engine.upgrade("head");
            assertThat(progress).anySatisfy(l -> assertThat(l).startsWith(
                    "  restored table tenants: " + String.format(Locale.US, "%,d", tenants) + " row(s) in "));
            assertThat(progress).anySatisfy(l -> assertThat(l).matches(
                    "  restore trades\\.tenant_id: " + String.format(Locale.US, "%,d / %,d", trades, trades)
                            + " row\\(s\\), [\\d,]+/s, done in [\\d.]+ s"));
        } finally {
            Fixtures.drop(db);
        }
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no line starts with " + prefix + " in " + lines);
    }
}
