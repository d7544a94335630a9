package com.alphapulse.db.engine;

import static com.alphapulse.db.engine.Fixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.engine.MigrationException.Code;
import com.alphapulse.db.migrations.Version;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.schema.AlphaPulseSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The verbs for modules built on the engine: describeUndo, withConnection and withLock. */
class WithLockTest {

    static final Database DB = Fixtures.database("with_lock");

    @AfterAll
    static void dropDatabase() {
        Fixtures.drop(DB);
    }

    @Test
    @DisplayName("withLock holds the migration lock for its work: a mutating verb inside is refused LOCKED, reading verbs work")
    void with_lock_holds_the_migration_lock() {
        MigrationEngine engine = Fixtures.engine(DB);
        Integer answer = engine.withLock("test the lock", c -> {
            assertThat(engine.status().currentVersion()).isEqualTo(Version.BASE);
            MigrationException e = failure(() -> engine.upgrade("head"));
            assertThat(e.code()).isEqualTo(Code.LOCKED);
            MigrationException nested = failure(() -> engine.withLock("nest", inner -> 1));
            assertThat(nested.code()).isEqualTo(Code.LOCKED);
            assertThat(nested.getMessage()).startsWith("cannot nest: another migration run holds");
            try (var st = c.createStatement(); var rs = st.executeQuery("SELECT 42")) {
                rs.next();
                return rs.getInt(1);
            }
        });
        assertThat(answer).isEqualTo(42);
        // released however the work ended
        assertThat(engine.upgrade("005").toVersion().label()).isEqualTo("005");
    }

    @Test
    @DisplayName("withConnection translates a failure the engine's way: one line naming the verb and PostgreSQL's message")
    void with_connection_translates_failures() {
        MigrationEngine engine = Fixtures.engine(DB);
        MigrationException e = failure(() -> engine.withConnection("divide", c -> {
            try (var st = c.createStatement()) {
                return st.execute("SELECT 1 / 0");
            }
        }));
        assertThat(e.code()).isEqualTo(Code.FAILED);
        assertThat(e.getMessage()).startsWith("cannot divide: ").contains("division by zero").contains("SQLSTATE 22012");
        assertThat(engine.database()).contains(DB.name());
        assertThat(engine.migrations()).isSameAs(AlphaPulseSchema.migrations());
    }

    @Test
    @DisplayName("describeUndo reads the undo script without a database; an unknown version is UNKNOWN_VERSION")
    void describe_undo() {
        DescribeUndoResult u007 = MigrationEngine.describeUndo(AlphaPulseSchema.migrations(), Version.of(7));
        assertThat(u007.risk()).isEqualTo(Risk.MEDIUM);
        assertThat(u007.archived()).isTrue();
        assertThat(u007.actions()).contains("drops column trades.tenant_id");
        assertThat(u007.locks()).anyMatch(l -> l.startsWith("ACCESS EXCLUSIVE on tenants"));
        assertThat(MigrationEngine.describeUndo(AlphaPulseSchema.migrations(), Version.of(8)).warnings()).singleElement()
                .asString().startsWith("SECURITY: at 007");
        DescribeUndoResult u010 = MigrationEngine.describeUndo(AlphaPulseSchema.migrations(), Version.of(10));
        assertThat(u010.risk()).isEqualTo(Risk.NONE);
        assertThat(u010.warnings()).singleElement().asString().startsWith("SECURITY: at 009 the foreign key(s) ")
                .contains("cross-tenant references are possible again");
        assertThat(u010.actions()).contains("restores foreign key fk_trades_account_id on trades to trading_accounts",
                "restores unique uq_trades_trade_id [trade_id] on trades", "drops constraint fk_trades_trading_accounts_tenant on trades");
        DescribeUndoResult u011 = MigrationEngine.describeUndo(AlphaPulseSchema.migrations(), Version.of(11));
        assertThat(u011.risk()).isEqualTo(Risk.NONE);
        assertThat(u011.warnings()).isEmpty();
        assertThat(u011.actions()).contains("rewrites the expressions of 32 row-level security policies",
                "drops the default of trades.tenant_id", "drops function alphapulse_current_tenant");
        assertThat(failure(() -> MigrationEngine.describeUndo(AlphaPulseSchema.migrations(), Version.of(3))).code())
                .isEqualTo(Code.UNKNOWN_VERSION);
    }
}
