package com.alphapulse.db.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.engine.DowngradeOptions;
import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.testing.AlphaPulseRows;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The batched restore of an archived column stays one bounded index range per batch also under the plan PostgreSQL
 * may switch a prepared statement to after five executions (the generic plan, bind values unknown): an optional
 * upper bound there became a filter, and every batch read the archive from its start to the column's end.
 */
class RestoreBatchPlanTest {

    /** jOOQ's ? binds as PREPARE's $n. */
    static String numbered(String sql) {
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (char ch : sql.toCharArray()) {
            if (ch == '?') {
                b.append('$').append(++n);
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }

    /** The index condition of the plan's scan of the archive. */
    static String archiveIndexCondition(Statement s, String explain) throws Exception {
        List<String> lines = new ArrayList<>();
        try (ResultSet r = s.executeQuery(explain)) {
            while (r.next()) {
                lines.add(r.getString(1).trim());
            }
        }
        for (int i = 0; i < lines.size() - 1; i++) {
            if (lines.get(i).contains("Index Scan") && lines.get(i).contains("archive_columns")) {
                for (int j = i + 1; j < lines.size() && !lines.get(j).startsWith("->"); j++) {
                    if (lines.get(j).startsWith("Index Cond:")) {
                        return lines.get(j);
                    }
                }
            }
        }
        throw new AssertionError("no index scan of the archive in " + String.join("\n", lines));
    }

    /** Rows of two tenants, downgraded to 006 (trades.tenant_id archived), the column back as V007 adds it before restoring. */
    static void archiveTradesTenantId(Database db) throws Exception {
        MigrationEngine engine = MigrationEngine.configure().dataSource(db.dataSource()).load();
        engine.upgrade("head");
        AlphaPulseRows.load(db, 2, 250);
        engine.downgrade("006", DowngradeOptions.defaults());
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE public.trades ADD COLUMN tenant_id uuid");
        }
    }

    @Test
    @DisplayName("the generic plan of a restore batch bounds its archive index scan on both ends, the last batch's on its start")
    void generic_plan_of_a_batch_is_one_bounded_index_range() throws Exception {
        Database db = PostgresProvider.shared().createDatabase("restore_batch_plan");
        try {
            archiveTradesTenantId(db);
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                Archive.ColumnRestore r = Archive.columnRestore(c, 7, "trades", "tenant_id");
                assertThat(r).as("an archive of trades.tenant_id to restore").isNotNull();
                s.execute("SET plan_cache_mode = force_generic_plan");
                s.execute("SET enable_seqscan = off"); // a few hundred rows would be read whole; the shape is the question
                s.execute("PREPARE bounded AS " + numbered(Archive.restoreBatch(r, "tenant_id", true)));
                s.execute("PREPARE last AS " + numbered(Archive.restoreBatch(r, "tenant_id", false)));

                String bounded = archiveIndexCondition(s, "EXPLAIN EXECUTE bounded(7, 'trades', 'tenant_id', "
                        + "'\"public\".\"trades\"', '{\"id\": 10}', '{\"id\": 60}')");
                assertThat(bounded).contains("(pk > ", "(pk <= ");
                String last = archiveIndexCondition(s, "EXPLAIN EXECUTE last(7, 'trades', 'tenant_id', '\"public\".\"trades\"', "
                        + "'{\"id\": 60}')");
                assertThat(last).contains("(pk > ");
            }
        } finally {
            PostgresProvider.shared().dropDatabase(db);
        }
    }

    @Test
    @DisplayName("the batched restore puts every archived value back and leaves the connection's join settings as it found them "
            + "(it turns hash and merge joins off for its loop only: the connection is Flyway's)")
    void restore_resets_the_join_settings() throws Exception {
        Database db = PostgresProvider.shared().createDatabase("restore_batch_settings");
        try {
            archiveTradesTenantId(db);
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                Archive.ColumnRestore restore = Archive.columnRestore(c, 7, "trades", "tenant_id");
                assertThat(Archive.indexedOn(c, restore.t(), restore.keyColumns())).as("trades' primary key is the archived key").isTrue();
                assertThat(Archive.indexedOn(c, restore.t(), java.util.List.of("id", "account_id"))).isFalse();
                s.execute("SET enable_mergejoin = off"); // the caller's own choice must survive too
                long restored = Archive.restoreColumnInBatches(c, 7, "trades", "tenant_id", n -> { });
                try (ResultSet r = s.executeQuery("SELECT count(*) FILTER (WHERE tenant_id IS NOT NULL), count(*), "
                        + "current_setting('enable_hashjoin'), current_setting('enable_mergejoin') FROM public.trades")) {
                    r.next();
                    assertThat(restored).isEqualTo(r.getLong(2)).isPositive();
                    assertThat(r.getLong(1)).isEqualTo(r.getLong(2));
                    assertThat(r.getString(3)).isEqualTo("on");
                    assertThat(r.getString(4)).as("the caller's SET, not the default").isEqualTo("off");
                }
            }
        } finally {
            PostgresProvider.shared().dropDatabase(db);
        }
    }
}
