package com.alphapulse.tenant.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.alphapulse.db.schema.head.Tables;
import com.alphapulse.tenant.TenantException;
import com.alphapulse.tenant.TenantId;
import com.alphapulse.tenant.testing.TenantTestDatabase;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TenantScopeTest {

    private static final TenantId A = TenantId.of(TenantTestDatabase.A);
    private static final TenantId B = TenantId.of(TenantTestDatabase.B);
    private static final TenantId C = TenantId.of(TenantTestDatabase.C);
    private static final List<String> TENANT_TABLES = TenantTestDatabase.TENANT_TABLES;

    static TenantTestDatabase db;
    static DataSource app;

    @BeforeAll
    static void setUp() {
        db = TenantTestDatabase.atHead().start();
        app = db.appDataSource();
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @AfterEach
    void noScopeLeftOnThisThread() {
        assertThat(TenantScope.current()).isEmpty();
    }

    @Test
    void the_application_role_is_a_login_role_that_owns_nothing_and_cannot_bypass_row_level_security()
            throws SQLException {
        try (Connection c = app.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT r.rolsuper, r.rolbypassrls, r.rolcanlogin,"
                        + " (SELECT count(*) FROM pg_tables t WHERE t.tableowner = current_user)"
                        + " FROM pg_roles r WHERE r.rolname = current_user");
                ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).as("superuser").isFalse();
            assertThat(rs.getBoolean(2)).as("BYPASSRLS").isFalse();
            assertThat(rs.getBoolean(3)).as("LOGIN").isTrue();
            assertThat(rs.getInt(4)).as("tables owned").isZero();
        }
    }

    @Test
    void inside_a_tenants_scope_each_of_the_8_tenant_tables_shows_exactly_that_tenants_rows() {
        for (TenantId tenant : List.of(A, B, C)) {
            for (String table : TENANT_TABLES) {
                Map<TenantId, Integer> visible = TenantScope.call(app, tenant, c -> Rows.byTenant(c, table));
                // Other tests add rows, so compare with what the table holds for the tenant right now.
                int stored = db.adminCount(table, tenant.value());
                assertThat(stored).isGreaterThanOrEqualTo(TenantTestDatabase.rowsPerTable(tenant.value()));
                assertThat(visible).as("%s as %s", table, tenant).containsExactly(Map.entry(tenant, stored));
            }
        }
    }

    @Test
    void the_jooq_and_the_connection_variants_isolate_the_same_way_as_the_data_source_variant() throws SQLException {
        DSLContext dsl = DSL.using(app, SQLDialect.POSTGRES);
        List<String> symbols = TenantScope.call(dsl, B, tx -> tx.select(Tables.POSITIONS.SYMBOL)
                .from(Tables.POSITIONS).orderBy(Tables.POSITIONS.SYMBOL).fetch(Tables.POSITIONS.SYMBOL));
        assertThat(symbols).containsExactly(TenantTestDatabase.symbol(B.value(), 1), TenantTestDatabase.symbol(B.value(), 2),
                TenantTestDatabase.symbol(B.value(), 3));

        try (Connection c = app.getConnection()) {
            for (String table : TENANT_TABLES) {
                Map<TenantId, Integer> visible = TenantScope.call(c, C, cc -> Rows.byTenant(cc, table));
                assertThat(visible).as(table).containsExactly(Map.entry(C, db.adminCount(table, C.value())));
            }
        }
    }

    @Test
    void inside_a_tenants_scope_an_insert_for_another_tenant_is_refused_in_each_of_the_8_tenant_tables() {
        for (String table : TENANT_TABLES) {
            int before = db.adminCount(table, B.value());
            Throwable refused = catchThrowable(() -> TenantScope.run(app, A, c -> insertRow(c, table, B)));
            assertThat(refused).as(table).isInstanceOf(TenantException.class)
                    .hasMessageContaining("row-level security")
                    .hasMessageContaining(A.toString());
            assertThat(((TenantException) refused).code()).isEqualTo(TenantException.Code.ROW_SECURITY_VIOLATION);
            assertThat(refused.getCause()).isInstanceOf(SQLException.class);
            assertThat(((SQLException) refused.getCause()).getSQLState()).isEqualTo("42501");
            assertThat(db.adminCount(table, B.value())).as("%s rows of B", table).isEqualTo(before);
        }
    }

    @Test
    void inside_a_tenants_scope_an_insert_for_that_tenant_is_committed_and_updates_reach_only_its_rows() {
        int before = db.adminCount("agent_signals", A.value());
        int updated = TenantScope.call(app, A, c -> {
            insertRow(c, "agent_signals", A);
            try (PreparedStatement ps = c.prepareStatement("UPDATE agent_signals SET reasoning = 'scoped'")) {
                return ps.executeUpdate();
            }
        });
        assertThat(updated).isEqualTo(before + 1);
        assertThat(db.adminCount("agent_signals", A.value())).isEqualTo(before + 1);
        int seenByB = TenantScope.call(app, B, c -> countWhere(c, "agent_signals", "reasoning = 'scoped'"));
        assertThat(seenByB).isZero();
    }

    @Test
    void outside_any_scope_a_fresh_connection_is_refused_with_AP001_by_every_tenant_table() throws SQLException {
        try (Connection c = app.getConnection()) {
            assertThat(Rows.setting(c)).isNull();
            assertNoTenantError(c);
        }
    }

    @Test
    void a_connection_reused_after_a_scope_carries_no_tenant() throws SQLException {
        try (Connection c = app.getConnection()) {
            assertThat(TenantScope.call(c, A, Rows::setting)).isEqualTo(A.toString());
            assertNoTenant(c);
            assertThat(c.getAutoCommit()).as("auto-commit restored").isTrue();
        }
    }

    @Test
    void a_connection_reused_after_a_scope_whose_work_threw_carries_no_tenant_and_keeps_none_of_its_writes()
            throws SQLException {
        int before = db.adminCount("agent_signals", A.value());
        IllegalStateException thrown = new IllegalStateException("work failed");
        try (Connection c = app.getConnection()) {
            Throwable caught = catchThrowable(() -> TenantScope.run(c, A, cc -> {
                insertRow(cc, "agent_signals", A);
                throw thrown;
            }));
            assertThat(caught).as("the work's own exception, unchanged").isSameAs(thrown);
            assertNoTenant(c);
            assertThat(c.getAutoCommit()).isTrue();
        }
        assertThat(db.adminCount("agent_signals", A.value())).as("rolled back").isEqualTo(before);
    }

    @Test
    void a_connection_reused_after_a_scope_whose_sql_failed_carries_no_tenant() throws SQLException {
        try (Connection c = app.getConnection()) {
            assertThatThrownBy(() -> TenantScope.run(c, A, cc -> cc.createStatement().execute("SELECT 1/0")))
                    .isInstanceOf(TenantException.class)
                    .extracting(e -> ((TenantException) e).code()).isEqualTo(TenantException.Code.DATABASE_ERROR);
            assertNoTenant(c);
        }
    }

    @Test
    void a_pooled_connection_handed_out_after_scopes_that_succeeded_and_threw_carries_no_tenant()
            throws SQLException {
        try (HikariDataSource pool = pool(1)) {
            TenantScope.run(pool, A, c -> assertThat(Rows.byTenant(c, "users")).containsOnlyKeys(A));
            try (Connection c = pool.getConnection()) {
                assertNoTenant(c);
            }
            assertThatThrownBy(() -> TenantScope.run(pool, B, c -> {
                assertThat(Rows.setting(c)).isEqualTo(B.toString());
                throw new IllegalArgumentException("boom");
            })).isInstanceOf(IllegalArgumentException.class);
            try (Connection c = pool.getConnection()) {
                assertNoTenant(c);
            }
            DSLContext dsl = DSL.using(pool, SQLDialect.POSTGRES);
            assertThatThrownBy(() -> TenantScope.run(dsl, C, tx -> {
                tx.insertInto(Tables.AGENT_SIGNALS).set(Tables.AGENT_SIGNALS.TENANT_ID, A.value())
                        .set(Tables.AGENT_SIGNALS.AGENT_TYPE, "x").set(Tables.AGENT_SIGNALS.SYMBOL, "X")
                        .set(Tables.AGENT_SIGNALS.SIGNAL, "buy").set(Tables.AGENT_SIGNALS.CONFIDENCE, 1.0).execute();
            })).isInstanceOf(TenantException.class).hasMessageContaining("row-level security")
                    .hasCauseInstanceOf(DataAccessException.class)
                    .extracting(e -> ((TenantException) e).code()).isEqualTo(TenantException.Code.ROW_SECURITY_VIOLATION);
            try (Connection c = pool.getConnection()) {
                assertNoTenant(c);
            }
        }
    }

    @Test
    void a_nested_scope_for_a_different_tenant_is_refused_before_it_touches_the_database() {
        CountingDataSource counting = new CountingDataSource(app);
        List<TenantId> seenAfterRefusal = new ArrayList<>();
        TenantScope.run(app, A, c -> {
            Throwable refused = catchThrowable(() -> TenantScope.run(counting, B, cc -> insertRow(cc, "users", B)));
            assertThat(refused).isInstanceOf(TenantException.class)
                    .hasMessageContaining(A.toString()).hasMessageContaining(B.toString());
            assertThat(((TenantException) refused).code()).isEqualTo(TenantException.Code.NESTED_SCOPE);
            assertThat(TenantScope.current()).contains(A);
            seenAfterRefusal.addAll(Rows.byTenant(c, "users").keySet());
        });
        assertThat(counting.connections()).as("connections taken by the refused scope").isZero();
        assertThat(seenAfterRefusal).containsExactly(A);

        DSLContext dsl = DSL.using(app, SQLDialect.POSTGRES);
        assertThatThrownBy(() -> TenantScope.run(dsl, A, tx -> TenantScope.run(tx, B, inner -> { })))
                .isInstanceOf(TenantException.class)
                .extracting(e -> ((TenantException) e).code()).isEqualTo(TenantException.Code.NESTED_SCOPE);
    }

    @Test
    void a_nested_scope_for_the_same_tenant_joins_the_outer_transaction() throws SQLException {
        int before = db.adminCount("agent_signals", B.value());
        try (Connection c = app.getConnection()) {
            assertThatThrownBy(() -> TenantScope.run(c, B, outer -> {
                TenantScope.run(outer, B, inner -> insertRow(inner, "agent_signals", B));
                assertThat(Rows.setting(outer)).as("outer scope's tenant after the inner one").isEqualTo(B.toString());
                assertThat(TenantScope.current()).contains(B);
                throw new IllegalStateException("roll the outer transaction back");
            })).hasMessage("roll the outer transaction back");
            assertNoTenant(c);
        }
        assertThat(db.adminCount("agent_signals", B.value())).as("inner write rolled back with the outer").isEqualTo(before);

        DSLContext dsl = DSL.using(app, SQLDialect.POSTGRES);
        int inner = TenantScope.call(dsl, C, tx -> TenantScope.call(tx, C, nested -> nested.fetchCount(Tables.USERS)));
        assertThat(inner).isEqualTo(db.adminCount("users", C.value()));
    }

    @Test
    void on_a_connection_in_the_callers_transaction_the_scope_leaves_commit_to_the_caller_and_restores_the_setting()
            throws SQLException {
        int before = db.adminCount("agent_signals", C.value());
        try (Connection c = app.getConnection()) {
            c.setAutoCommit(false);
            TenantScope.run(c, C, cc -> insertRow(cc, "agent_signals", C));
            assertThat(c.getAutoCommit()).isFalse();
            assertThat(Rows.setting(c)).as("setting inside the caller's transaction after the scope").isNullOrEmpty();
            for (String table : TENANT_TABLES) {
                assertThat(Rows.outsideScope(c, table)).as(table).isEqualTo(Rows.NO_TENANT);
            }
            assertThat(db.adminCount("agent_signals", C.value())).as("not committed by the scope").isEqualTo(before);
            c.commit();
        }
        assertThat(db.adminCount("agent_signals", C.value())).as("committed by the caller").isEqualTo(before + 1);
    }

    @Test
    void the_tenant_is_set_inside_the_scopes_own_transaction_and_is_gone_when_it_ends() throws SQLException {
        try (Connection c = app.getConnection()) {
            String localInScope = TenantScope.call(c, A, cc -> {
                try (PreparedStatement ps = cc.prepareStatement(
                        "SELECT current_setting('app.current_tenant_id'), now() = statement_timestamp()");
                        ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1) + "/" + rs.getBoolean(2);
                }
            });
            assertThat(localInScope).as("set, and inside a transaction begun before this statement")
                    .isEqualTo(A + "/false");
            assertNoTenant(c);
        }
    }

    @Test
    void the_jooq_variants_report_a_refusal_in_each_of_the_8_tenant_tables_as_a_row_security_violation_and_other_sql_errors_as_database_error() {
        DSLContext dsl = DSL.using(app, SQLDialect.POSTGRES);
        for (String table : TENANT_TABLES) {
            int before = db.adminCount(table, B.value());
            Throwable refused = catchThrowable(() -> TenantScope.run(dsl, A, tx -> insertRow(tx, table, B)));
            assertThat(refused).as(table).isInstanceOf(TenantException.class)
                    .hasMessageContaining("row-level security")
                    .hasMessageContaining(A.toString());
            assertThat(((TenantException) refused).code()).isEqualTo(TenantException.Code.ROW_SECURITY_VIOLATION);
            assertThat(refused.getCause()).isInstanceOf(DataAccessException.class);
            assertThat(((DataAccessException) refused.getCause()).sqlState()).isEqualTo("42501");
            assertThat(db.adminCount(table, B.value())).as("%s rows of B", table).isEqualTo(before);
        }

        Throwable failed = catchThrowable(() -> TenantScope.call(dsl, A, tx -> tx.fetchValue("SELECT 1/0")));
        assertThat(failed).isInstanceOf(TenantException.class).hasMessageContaining(A.toString());
        assertThat(((TenantException) failed).code()).isEqualTo(TenantException.Code.DATABASE_ERROR);
        assertThat(((DataAccessException) failed.getCause()).sqlState()).isEqualTo("22012");

        IllegalStateException thrown = new IllegalStateException("work failed");
        assertThat(catchThrowable(() -> TenantScope.run(dsl, A, tx -> {
            throw thrown;
        }))).as("the work's own exception, unchanged").isSameAs(thrown);
    }

    @Test
    void on_a_pool_that_hands_out_connections_with_auto_commit_off_a_data_source_scope_commits_or_rolls_back_itself()
            throws SQLException {
        int before = db.adminCount("agent_signals", A.value());
        try (HikariDataSource pool = pool(1, false)) {
            TenantScope.run(pool, A, c -> insertRow(c, "agent_signals", A));
            TenantScope.run(DSL.using(pool, SQLDialect.POSTGRES), A, tx -> insertRow(tx, "agent_signals", A));
            assertThatThrownBy(() -> TenantScope.run(pool, A, c -> {
                insertRow(c, "agent_signals", A);
                throw new IllegalStateException("roll this one back");
            })).hasMessage("roll this one back");
            try (Connection c = pool.getConnection()) {
                assertThat(c.getAutoCommit()).as("the pool's auto-commit mode, restored").isFalse();
                assertNoTenant(c);
            }
        }
        assertThat(db.adminCount("agent_signals", A.value())).as("committed by the two scopes that succeeded")
                .isEqualTo(before + 2);
    }

    @Test
    void a_jooq_scope_nested_in_a_callers_jooq_transaction_puts_the_setting_back_when_it_ends() {
        DSLContext dsl = DSL.using(app, SQLDialect.POSTGRES);
        List<String> settings = new ArrayList<>();
        int users = dsl.transactionResult(configuration -> {
            DSLContext callers = configuration.dsl();
            settings.add(setting(callers));
            int seen = TenantScope.call(callers, A, tx -> {
                settings.add(setting(tx));
                return tx.fetchCount(Tables.USERS);
            });
            settings.add(setting(callers));
            assertThatThrownBy(() -> TenantScope.run(callers, A, tx -> {
                throw new IllegalStateException("inner scope failed");
            })).hasMessage("inner scope failed");
            settings.add(setting(callers));
            return seen;
        });
        assertThat(users).isEqualTo(db.adminCount("users", A.value()));
        assertThat(settings.get(0)).as("before the scope").isNull();
        assertThat(settings.get(1)).as("inside the scope").isEqualTo(A.toString());
        assertThat(settings.get(2)).as("after the scope, still in the caller's transaction").isNullOrEmpty();
        assertThat(settings.get(3)).as("after a scope that threw").isNullOrEmpty();
    }

    @Test
    void a_jooq_scope_on_dsl_using_a_connection_in_a_callers_jdbc_transaction_joins_it_and_never_commits_it()
            throws SQLException {
        int before = db.adminCount("agent_signals", C.value());
        try (Connection c = app.getConnection()) {
            c.setAutoCommit(false);
            TenantScope.run(c, C, cc -> insertRow(cc, "agent_signals", C));
            TenantScope.run(DSL.using(c, SQLDialect.POSTGRES), C, tx -> {
                // A jOOQ transaction inside is a savepoint of the caller's transaction, not a commit.
                tx.transaction(nested -> insertRow(nested.dsl(), "agent_signals", C));
            });
            assertThat(db.adminCount("agent_signals", C.value())).as("nothing committed by the jOOQ scope")
                    .isEqualTo(before);
            assertThat(Rows.setting(c)).as("the setting put back").isEmpty();
            assertThat(c.getAutoCommit()).isFalse();
            c.rollback();
        }
        assertThat(db.adminCount("agent_signals", C.value())).as("the caller's rollback took both writes")
                .isEqualTo(before);
    }

    @Test
    void inside_a_scope_a_nested_jooq_transaction_on_its_connection_never_commits_the_enclosing_scope() {
        int before = db.adminCount("agent_signals", C.value());
        assertThatThrownBy(() -> TenantScope.run(app, C, c -> {
            TenantScope.run(DSL.using(c, SQLDialect.POSTGRES), C,
                    tx -> tx.transaction(nested -> insertRow(nested.dsl(), "agent_signals", C)));
            assertThat(Rows.setting(c)).as("the enclosing scope's tenant").isEqualTo(C.toString());
            throw new IllegalStateException("roll the enclosing scope back");
        })).hasMessage("roll the enclosing scope back");
        assertThat(db.adminCount("agent_signals", C.value())).isEqualTo(before);
    }

    @Test
    void inside_a_scope_a_jooq_scope_on_another_data_source_or_an_auto_commit_connection_is_refused_before_any_connection_is_taken()
            throws SQLException {
        CountingDataSource other = new CountingDataSource(db.appDataSource());
        try (Connection autoCommit = db.appDataSource().getConnection()) {
            assertThatThrownBy(() -> TenantScope.run(app, C, c -> {
                TenantScope.run(DSL.using(other, SQLDialect.POSTGRES), C, tx -> insertRow(tx, "agent_signals", C));
            })).isInstanceOfSatisfying(TenantException.class,
                    e -> assertThat(e.code()).isEqualTo(TenantException.Code.OUTER_TRANSACTION));
            assertThat(other.connections()).as("connections taken from the other data source").isZero();
            assertThatThrownBy(() -> TenantScope.run(app, C, c -> {
                TenantScope.run(autoCommit, C, own -> insertRow(own, "agent_signals", C));
            })).isInstanceOfSatisfying(TenantException.class,
                    e -> assertThat(e.code()).isEqualTo(TenantException.Code.OUTER_TRANSACTION));
        }
    }

    @Test
    void a_jooq_failure_that_is_not_the_databases_reaches_the_caller_unchanged() {
        assertThatThrownBy(() -> TenantScope.call(DSL.using(app, SQLDialect.POSTGRES), C,
                tx -> tx.selectFrom(Tables.AGENT_SIGNALS).where(DSL.falseCondition()).fetchSingle()))
                .isInstanceOf(org.jooq.exception.NoDataFoundException.class);
    }

    @Test
    void a_nested_data_source_scope_for_the_same_tenant_joins_the_enclosing_scope_even_on_a_pool_of_one() {
        int before = db.adminCount("agent_signals", B.value());
        try (HikariDataSource pool = pool(1)) {
            List<Connection> used = new ArrayList<>();
            assertThatThrownBy(() -> TenantScope.run(pool, B, outer -> {
                used.add(outer);
                TenantScope.run(pool, B, inner -> {
                    used.add(inner);
                    insertRow(inner, "agent_signals", B);
                });
                assertThat(Rows.setting(outer)).isEqualTo(B.toString());
                throw new IllegalStateException("roll the outer scope back");
            })).hasMessage("roll the outer scope back");
            assertThat(used).hasSize(2);
            assertThat(used.get(1)).as("the inner scope's connection").isSameAs(used.get(0));
            assertThat(db.adminCount("agent_signals", B.value())).as("inner write rolled back with the outer scope")
                    .isEqualTo(before);

            TenantScope.run(pool, B, outer -> TenantScope.run(pool, B, inner -> insertRow(inner, "agent_signals", B)));
            assertThat(db.adminCount("agent_signals", B.value())).as("inner write committed with the outer scope")
                    .isEqualTo(before + 1);

            DSLContext dsl = DSL.using(pool, SQLDialect.POSTGRES);
            assertThatThrownBy(() -> TenantScope.run(dsl, B, tx -> {
                TenantScope.run(pool, B, inner -> insertRow(inner, "agent_signals", B));
                throw new IllegalStateException("roll the jOOQ scope back");
            })).hasMessage("roll the jOOQ scope back");
            assertThat(db.adminCount("agent_signals", B.value())).as("inner write rolled back with the jOOQ scope")
                    .isEqualTo(before + 1);
        }
    }

    @Test
    void a_jooq_scope_on_the_enclosing_jdbc_scopes_connection_joins_its_transaction_instead_of_committing_it() {
        int before = db.adminCount("agent_signals", C.value());
        assertThatThrownBy(() -> TenantScope.run(app, C, c -> {
            insertRow(c, "agent_signals", C);
            int seen = TenantScope.call(DSL.using(c, SQLDialect.POSTGRES), C, tx -> {
                insertRow(tx, "agent_signals", C);
                return tx.fetchCount(Tables.AGENT_SIGNALS);
            });
            assertThat(seen).isEqualTo(before + 2);
            assertThat(Rows.setting(c)).isEqualTo(C.toString());
            throw new IllegalStateException("roll the outer scope back");
        })).hasMessage("roll the outer scope back");
        assertThat(db.adminCount("agent_signals", C.value())).as("both writes rolled back with the outer scope")
                .isEqualTo(before);
    }

    @Test
    void an_unscoped_query_fails_with_AP001_on_a_fresh_session_and_the_same_way_after_a_scope_left_the_setting_empty()
            throws SQLException {
        try (Connection c = app.getConnection()) {
            assertThat(Rows.setting(c)).as("a fresh session").isNull();
            assertNoTenantError(c);
            TenantScope.run(c, A, cc -> { });
            assertThat(Rows.setting(c)).as("the same session after a scope").isEmpty();
            assertNoTenantError(c);
        }
    }

    private static void assertNoTenantError(Connection c) {
        for (String table : TENANT_TABLES) {
            Throwable failed = catchThrowable(() -> Rows.byTenant(c, table));
            assertThat(failed).as(table).isInstanceOf(SQLException.class).hasMessageContaining(Rows.NO_TENANT_MESSAGE);
            assertThat(((SQLException) failed).getSQLState()).as(table).isEqualTo(Rows.NO_TENANT);
        }
    }

    @Test
    void a_missing_tenant_or_missing_work_is_refused_before_a_connection_is_taken() {
        CountingDataSource counting = new CountingDataSource(app);
        assertThatThrownBy(() -> TenantScope.run(counting, null, c -> { }))
                .isInstanceOf(TenantException.class)
                .extracting(e -> ((TenantException) e).code()).isEqualTo(TenantException.Code.INVALID_TENANT_ID);
        assertThatThrownBy(() -> TenantScope.run(counting, A, (TenantScope.ConnectionWork) null))
                .isInstanceOf(TenantException.class)
                .extracting(e -> ((TenantException) e).code()).isEqualTo(TenantException.Code.INVALID_ARGUMENT);
        assertThat(counting.connections()).isZero();
    }

    private static void assertNoTenant(Connection c) throws SQLException {
        assertThat(TenantScope.current()).isEmpty();
        assertThat(Rows.setting(c)).as("tenant setting after the scope").isNullOrEmpty();
        for (String table : TENANT_TABLES) {
            assertThat(Rows.outsideScope(c, table)).as("read of %s after the scope", table).isEqualTo(Rows.NO_TENANT);
        }
    }

    private static int countWhere(Connection c, String table, String condition) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE " + condition);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static HikariDataSource pool(int size) {
        return pool(size, true);
    }

    /** A pool whose connections start with {@code autoCommit}; a short wait makes a starved pool fail fast. */
    private static HikariDataSource pool(int size, boolean autoCommit) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(app);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setAutoCommit(autoCommit);
        config.setConnectionTimeout(1_000);
        config.setPoolName("tenant-scope-test");
        return new HikariDataSource(config);
    }

    private static String setting(DSLContext dsl) {
        return dsl.fetchValue(DSL.field("current_setting('app.current_tenant_id', true)", String.class));
    }

    /** One row of {@code table} for {@code tenant}, written through JDBC. */
    static void insertRow(Connection c, String table, TenantId tenant) throws SQLException {
        Object[] values = rowValues(table, tenant);
        try (PreparedStatement ps = c.prepareStatement(rowSql(table))) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    /** The same row as {@link #insertRow}, written through jOOQ. */
    static void insertRow(DSLContext tx, String table, TenantId tenant) {
        assertThat(tx.execute(rowSql(table), rowValues(table, tenant))).isEqualTo(1);
    }

    /**
     * An INSERT of one row into {@code table}; its bind values are {@link #rowValues}. Rows that need a parent
     * trading account use one seeded for tenant A (foreign key checks are not subject to row-level security,
     * and the policy check runs first).
     */
    private static String rowSql(String table) {
        return switch (table) {
            case "users" -> "INSERT INTO users (tenant_id, username, email, password_hash)"
                    + " VALUES (?, 'n_' || gen_random_uuid(), gen_random_uuid() || '@example.com', 'x')";
            case "trading_accounts" -> "INSERT INTO trading_accounts (tenant_id, account_id, account_number,"
                    + " exchange_name, account_type) VALUES (?, left('n_' || gen_random_uuid(), 50), '1', 'x', 'spot')";
            case "positions" -> "INSERT INTO positions (tenant_id, position_id, account_id, symbol, side, size,"
                    + " entry_price) VALUES (?, left('n_' || gen_random_uuid(), 50), ?, 'N', 'long', 1, 1)";
            case "trades" -> "INSERT INTO trades (tenant_id, trade_id, account_id, symbol, side, trade_type, quantity,"
                    + " price, gross_value, net_value, executed_at) VALUES (?, left('n_' || gen_random_uuid(), 50), ?,"
                    + " 'N', 'buy', 'market', 1, 1, 1, 1, now())";
            case "risk_metrics" -> "INSERT INTO risk_metrics (tenant_id, account_id, portfolio_value, total_exposure)"
                    + " VALUES (?, ?, 1, 1)";
            case "portfolio_snapshots" -> "INSERT INTO portfolio_snapshots (tenant_id, account_id, total_value,"
                    + " cash_balance, snapshot_time) VALUES (?, ?, 1, 1, clock_timestamp())";
            case "agent_signals" -> "INSERT INTO agent_signals (tenant_id, agent_type, symbol, signal, confidence)"
                    + " VALUES (?, 'test', 'N', 'buy', 1)";
            case "audit_logs" -> "INSERT INTO audit_logs (tenant_id, event_type, severity) VALUES (?, 'test', 'info')";
            default -> throw new IllegalArgumentException(table);
        };
    }

    private static Object[] rowValues(String table, TenantId tenant) {
        return switch (table) {
            case "positions", "trades", "risk_metrics", "portfolio_snapshots" ->
                    new Object[] {tenant.value(), db.accountId(A.value(), 1)};
            default -> new Object[] {tenant.value()};
        };
    }

    /** A real data source that counts the connections taken from it. */
    static final class CountingDataSource implements DataSource {
        private final DataSource delegate;
        private final AtomicInteger connections = new AtomicInteger();

        CountingDataSource(DataSource delegate) {
            this.delegate = delegate;
        }

        int connections() {
            return connections.get();
        }

        @Override
        public Connection getConnection() throws SQLException {
            connections.incrementAndGet();
            return delegate.getConnection();
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            connections.incrementAndGet();
            return delegate.getConnection(user, password);
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return delegate.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            delegate.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            delegate.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return delegate.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return delegate.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return delegate.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return delegate.isWrapperFor(iface);
        }
    }
}
