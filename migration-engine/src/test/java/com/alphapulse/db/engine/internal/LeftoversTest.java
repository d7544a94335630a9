package com.alphapulse.db.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.testing.TestDatabases;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LeftoversTest {

    @Test
    @DisplayName("with no record of a failed 009, repair drops a VALID index of 009's first name only when it is exactly 009's index")
    void a_dbas_own_index_of_that_name_is_kept() {
        Database db = PostgresProvider.shared().createDatabase("leftovers_dba");
        try {
            MigrationEngine engine = MigrationEngine.configure().dataSource(db.dataSource()).load();
            engine.upgrade("008");
            String count = "SELECT count(*) FROM pg_indexes WHERE indexname = 'idx_users_tenant_id_compound'";

            // built ahead of the window by a DBA, on other columns: somebody's own, never dropped
            TestDatabases.execute(db, "CREATE INDEX idx_users_tenant_id_compound ON public.users (id)");
            assertThat(engine.repair().droppedIndexes()).doesNotContain("idx_users_tenant_id_compound");
            assertThat(TestDatabases.count(db, count)).isOne();

            // exactly what 009 builds (what a run killed right after its first build leaves): dropped, 009 rebuilds it
            TestDatabases.execute(db, "DROP INDEX public.idx_users_tenant_id_compound");
            Matcher m = Pattern.compile("(?s)CREATE INDEX CONCURRENTLY (idx_users_tenant_id_compound\\s+ON [^;]+);")
                    .matcher(AlphaPulseSchema.migrations().version("9").migrationSql());
            assertThat(m.find()).isTrue();
            TestDatabases.execute(db, "CREATE INDEX " + m.group(1));
            assertThat(engine.repair().droppedIndexes()).contains("idx_users_tenant_id_compound");
            assertThat(TestDatabases.count(db, count)).isZero();
            assertThat(engine.upgrade("head").toVersion().label()).isEqualTo("011");
        } finally {
            PostgresProvider.shared().dropDatabase(db);
        }
    }
}
