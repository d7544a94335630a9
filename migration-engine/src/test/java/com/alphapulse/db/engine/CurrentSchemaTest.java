package com.alphapulse.db.engine;

import static com.alphapulse.db.engine.Fixtures.exec;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.testing.AlphaPulseRows;
import com.alphapulse.db.verification.DataSnapshot;
import com.alphapulse.db.verification.Verifier;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A data source whose currentSchema is another schema ({@code ?currentSchema=reporting}): every engine verb
 * still works on schema public, because no engine SQL depends on search_path.
 */
class CurrentSchemaTest {

    static final Database DB = Fixtures.database("current_schema");

    @AfterAll
    static void dropDatabase() {
        Fixtures.drop(DB);
    }

    private static DataSource reporting() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(DB.jdbcUrl() + "?currentSchema=reporting");
        ds.setUser(DB.adminUser());
        ds.setPassword(DB.adminPassword() == null ? "" : DB.adminPassword());
        return ds;
    }

    @Test
    @DisplayName("upgrade, status, plan, downgrade with archive, re-upgrade with restore, stamp and verify, all through currentSchema=reporting")
    void every_verb_works_with_another_current_schema() throws SQLException {
        exec(DB, "CREATE SCHEMA reporting");
        DataSource ds = reporting();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_schema()")) {
            rs.next();
            assertThat(rs.getString(1)).as("the data source really resolves names in reporting").isEqualTo("reporting");
        }
        MigrationEngine engine = MigrationEngine.configure().dataSource(ds).reason(Fixtures.REASON)
                .lockTimeout(Duration.ofSeconds(2)).retryBackoff(Duration.ofMillis(100)).load();
        assertThat(engine.upgrade("head").toVersion().label()).isEqualTo("011");
        AlphaPulseRows.load(DB, 2, 250);
        assertThat(Fixtures.count(DB, "SELECT count(*) FROM pg_tables WHERE schemaname = 'reporting'")).isZero();

        StatusResult status = engine.status();
        assertThat(status.catalog().findings()).isEmpty();
        assertThat(status.catalog().matchesRecorded()).isTrue();
        assertThat(Verifier.on(ds).verify(AlphaPulseSchema.migrations().head()).findings()).isEmpty();

        PlanResult plan = engine.plan("002");
        assertThat(plan.blockers()).isEmpty();
        assertThat(plan.steps().get(4).dataLoss()).as("U007").hasSize(7);
        DataSnapshot before = Verifier.on(ds).snapshot();
        DowngradeResult down = engine.downgrade("002", DowngradeOptions.defaults());
        assertThat(down.toVersion().label()).isEqualTo("002");
        assertThat(down.rowsArchived()).isPositive();
        assertThat(Verifier.on(ds).verify(AlphaPulseSchema.migrations().version("2")).errors()).isEmpty();

        UpgradeResult up = engine.upgrade("head");
        assertThat(up.rowsRestored()).isEqualTo(down.rowsArchived());
        assertThat(Verifier.compare(before, Verifier.on(ds).snapshot()).differences()).isEmpty();

        StampResult stamp = engine.stamp("011", false);
        assertThat(stamp.catalogMatched()).isTrue();
        assertThat(engine.repair().changedAnything()).isFalse();
    }
}
