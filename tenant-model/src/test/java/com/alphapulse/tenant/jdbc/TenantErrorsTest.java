package com.alphapulse.tenant.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.alphapulse.db.schema.head.Tables;
import com.alphapulse.tenant.TenantException;
import com.alphapulse.tenant.TenantException.Code;
import com.alphapulse.tenant.TenantId;
import com.alphapulse.tenant.testing.TenantTestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * What each kind of database refusal becomes, on PostgreSQL as the application role (no owner, no
 * BYPASSRLS): its code, SQLState and named table or constraint, and a message that holds neither the SQL
 * text nor a bind value nor a row value, while the cause still has them. Besides the tenant tables (where
 * PostgreSQL itself hides key values, since RLS applies) it uses tables without row-level security, created
 * here by the administrator, whose errors' details do show the values.
 */
class TenantErrorsTest {

    private static final TenantId A = TenantId.of(TenantTestDatabase.A);
    private static final TenantId B = TenantId.of(TenantTestDatabase.B);

    /** A bind value distinctive enough that finding it in a message cannot be a coincidence. */
    static final String SECRET = "SYM-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();

    static TenantTestDatabase db;
    static DataSource app;

    @BeforeAll
    static void setUp() throws SQLException {
        db = TenantTestDatabase.atHead().start();
        app = db.appDataSource();
        admin("CREATE TABLE err_parents (id int PRIMARY KEY)",
                "CREATE TABLE err_notes (id int PRIMARY KEY, note text NOT NULL UNIQUE,"
                        + " parent int CONSTRAINT fk_err_notes_parent REFERENCES err_parents,"
                        + " CONSTRAINT ck_err_notes_short CHECK (length(note) < 40))",
                "CREATE TABLE err_counters (id int PRIMARY KEY, n int NOT NULL)",
                "INSERT INTO err_counters VALUES (1, 0)",
                "GRANT SELECT, INSERT, UPDATE ON err_parents, err_notes, err_counters TO " + db.appRole(),
                // a table the application holds nothing on: the default privileges provision set up grant new
                // tables to it, so this one's grants are taken back
                "CREATE TABLE err_no_grant (id int)",
                "REVOKE ALL ON err_no_grant FROM " + db.appRole());
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Test
    void a_row_of_another_tenant_inside_a_scope_is_a_row_security_violation_naming_the_table_on_jdbc_and_jooq() {
        TenantException jdbc = failure(() -> TenantScope.run(app, A, c -> insertSignal(c, B)));
        assertThat(jdbc.code()).isEqualTo(Code.ROW_SECURITY_VIOLATION);
        assertThat(jdbc.sqlState()).contains("42501");
        assertThat(jdbc.table()).contains("agent_signals");
        assertThat(jdbc).hasMessageContaining(A.toString()).hasMessageContaining("row-level security");
        assertSafe(jdbc);
        assertThat(routine(jdbc)).as("what PostgreSQL reports for the policy check").isEqualTo("ExecWithCheckOptions");

        DSLContext dsl = DSL.using(app, SQLDialect.POSTGRES);
        TenantException jooq = failure(() -> TenantScope.run(dsl, A, tx -> tx.insertInto(Tables.AGENT_SIGNALS)
                .set(Tables.AGENT_SIGNALS.TENANT_ID, B.value()).set(Tables.AGENT_SIGNALS.AGENT_TYPE, "test")
                .set(Tables.AGENT_SIGNALS.SYMBOL, SECRET).set(Tables.AGENT_SIGNALS.SIGNAL, "buy")
                .set(Tables.AGENT_SIGNALS.CONFIDENCE, 1.0).execute()));
        assertThat(jooq.code()).isEqualTo(Code.ROW_SECURITY_VIOLATION);
        assertThat(jooq.table()).contains("agent_signals");
        assertThat(jooq.getCause()).isInstanceOf(DataAccessException.class).hasMessageContaining("insert into");
        assertSafe(jooq);
    }

    @Test
    void moving_a_row_to_another_tenant_is_a_row_security_violation_too() {
        TenantException moved = failure(() -> TenantScope.run(app, A, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE agent_signals SET tenant_id = ?")) {
                ps.setObject(1, B.value());
                ps.executeUpdate();
            }
        }));
        assertThat(moved.code()).isEqualTo(Code.ROW_SECURITY_VIOLATION);
        assertThat(moved.table()).contains("agent_signals");
    }

    @Test
    void a_table_without_a_grant_is_access_denied_not_a_row_security_violation() {
        TenantException denied = failure(() -> TenantScope.run(app, A, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM err_no_grant WHERE id::text = ?")) {
                ps.setString(1, SECRET);
                ps.executeQuery().close();
            }
        }));
        assertThat(denied.code()).isEqualTo(Code.ACCESS_DENIED);
        assertThat(denied.sqlState()).contains("42501");
        assertThat(denied).hasMessageContaining("err_no_grant").hasMessageContaining(A.toString());
        assertSafe(denied);
        assertThat(routine(denied)).as("what PostgreSQL reports for a missing privilege").isEqualTo("aclcheck_error");
    }

    @Test
    void a_missing_parent_is_a_foreign_key_violation_naming_the_constraint_and_table() {
        TenantException tenantKey = failure(() -> TenantScope.run(app, A, c -> insertTrade(c, "t-" + SECRET, 987_654_321)));
        assertThat(tenantKey.code()).isEqualTo(Code.FOREIGN_KEY_VIOLATION);
        assertThat(tenantKey.sqlState()).contains("23503");
        assertThat(tenantKey.constraint()).contains("fk_trades_trading_accounts_tenant");
        assertThat(tenantKey.table()).contains("trades");
        assertSafe(tenantKey);
        assertThat(tenantKey).hasMessageNotContaining("987654321");

        TenantException plain = failure(() -> TenantScope.run(app, A, c -> insertNote(c, 1, SECRET + "-fk", 424_242)));
        assertThat(plain.code()).isEqualTo(Code.FOREIGN_KEY_VIOLATION);
        assertThat(plain.constraint()).contains("fk_err_notes_parent");
        assertThat(plain.table()).contains("err_notes");
        assertThat(plain.getCause()).as("the detail is in the cause").hasMessageContaining("424242");
        assertThat(plain).hasMessageNotContaining("424242").hasMessageNotContaining("Detail");
        assertSafe(plain);
    }

    @Test
    void a_duplicate_key_is_a_unique_violation_naming_the_constraint_without_the_key_value() {
        String tradeId = "d-" + SECRET;
        int account = db.accountId(A.value(), 1);
        TenantScope.run(app, A, c -> insertTrade(c, tradeId, account));
        TenantException trade = failure(() -> TenantScope.run(app, A, c -> insertTrade(c, tradeId, account)));
        assertThat(trade.code()).isEqualTo(Code.UNIQUE_VIOLATION);
        assertThat(trade.sqlState()).contains("23505");
        assertThat(trade.constraint()).contains("uq_trades_tenant_trade_id");
        assertThat(trade.table()).contains("trades");
        assertThat(trade).hasMessage("in the scope of tenant " + A
                + ": duplicate key value violates unique constraint \"uq_trades_tenant_trade_id\" (23505)");
        assertSafe(trade);

        TenantScope.run(app, A, c -> insertNote(c, 2, SECRET, null));
        TenantException note = failure(() -> TenantScope.run(app, A, c -> insertNote(c, 3, SECRET, null)));
        assertThat(note.code()).isEqualTo(Code.UNIQUE_VIOLATION);
        assertThat(note.constraint()).contains("err_notes_note_key");
        assertThat(note.getCause()).as("the row value is in the cause").hasMessageContaining(SECRET);
        assertSafe(note);
    }

    @Test
    void not_null_and_check_are_constraint_violations_naming_the_column_or_the_constraint() {
        TenantException notNull = failure(() -> TenantScope.run(app, A, c -> insertNote(c, 4, null, null)));
        assertThat(notNull.code()).isEqualTo(Code.CONSTRAINT_VIOLATION);
        assertThat(notNull.sqlState()).contains("23502");
        assertThat(notNull.column()).contains("note");
        assertThat(notNull.table()).contains("err_notes");

        String tooLong = SECRET + "-" + "x".repeat(40);
        TenantException check = failure(() -> TenantScope.run(app, A, c -> insertNote(c, 5, tooLong, null)));
        assertThat(check.code()).isEqualTo(Code.CONSTRAINT_VIOLATION);
        assertThat(check.sqlState()).contains("23514");
        assertThat(check.constraint()).contains("ck_err_notes_short");
        assertThat(check.getCause()).as("the failing row is in the cause").hasMessageContaining(SECRET);
        assertSafe(check);
    }

    @Test
    void a_serialization_failure_is_retryable() throws SQLException {
        try (Connection first = app.getConnection(); Connection second = app.getConnection()) {
            first.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            first.setAutoCommit(false);
            assertThat(counter(first)).isNotNull(); // the snapshot is taken here
            try (Statement s = second.createStatement()) {
                s.executeUpdate("UPDATE err_counters SET n = n + 1 WHERE id = 1");
            }
            SQLException lost = (SQLException) catchThrowable(() -> {
                try (Statement s = first.createStatement()) {
                    s.executeUpdate("UPDATE err_counters SET n = n + 1 WHERE id = 1");
                }
            });
            first.rollback();
            TenantException retry = TenantErrors.translate(lost);
            assertThat(retry.code()).isEqualTo(Code.RETRYABLE);
            assertThat(retry.sqlState()).contains("40001");
        }
    }

    @Test
    void an_unscoped_jooq_query_with_the_listener_is_no_tenant_scope_and_without_it_a_raw_jooq_exception() {
        DSLContext plain = DSL.using(app, SQLDialect.POSTGRES);
        Throwable raw = catchThrowable(() -> plain.selectFrom(Tables.POSITIONS)
                .where(Tables.POSITIONS.SYMBOL.eq(SECRET)).fetch());
        assertThat(raw).isInstanceOf(DataAccessException.class).hasMessageContaining("select");

        DSLContext listening = DSL.using(new DefaultConfiguration().set(app).set(SQLDialect.POSTGRES)
                .set(TenantErrors.jooqListener()));
        TenantException unscoped = failure(() -> listening.selectFrom(Tables.POSITIONS)
                .where(Tables.POSITIONS.SYMBOL.eq(SECRET)).fetch());
        assertThat(unscoped.code()).isEqualTo(Code.NO_TENANT_SCOPE);
        assertThat(unscoped.sqlState()).contains("AP001");
        assertThat(unscoped).hasMessage("no tenant in scope: set app.current_tenant_id (AP001)");
        assertThat(unscoped.getCause()).isInstanceOf(DataAccessException.class);
        assertSafe(unscoped);

        assertThat(listening.fetchCount(Tables.TENANTS)).as("statements that succeed are untouched").isPositive();
    }

    @Test
    void inside_a_scope_the_listeners_translation_names_the_tenant_and_reaches_the_caller_unchanged() {
        DSLContext listening = DSL.using(new DefaultConfiguration().set(app).set(SQLDialect.POSTGRES)
                .set(TenantErrors.jooqListener()));
        TenantException refused = failure(() -> TenantScope.run(listening, A, tx -> tx.insertInto(Tables.AGENT_SIGNALS)
                .set(Tables.AGENT_SIGNALS.TENANT_ID, B.value()).set(Tables.AGENT_SIGNALS.AGENT_TYPE, "test")
                .set(Tables.AGENT_SIGNALS.SYMBOL, SECRET).set(Tables.AGENT_SIGNALS.SIGNAL, "buy")
                .set(Tables.AGENT_SIGNALS.CONFIDENCE, 1.0).execute()));
        assertThat(refused.code()).isEqualTo(Code.ROW_SECURITY_VIOLATION);
        assertThat(refused).hasMessageStartingWith("in the scope of tenant " + A + ": ");
        assertSafe(refused);
    }

    @Test
    void an_unscoped_jdbc_query_translated_by_tenant_errors_is_no_tenant_scope() throws SQLException {
        try (Connection c = app.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT * FROM positions WHERE symbol = ?")) {
            ps.setString(1, SECRET);
            SQLException e = (SQLException) catchThrowable(() -> ps.executeQuery().close());
            TenantException unscoped = TenantErrors.translate(e);
            assertThat(unscoped.code()).isEqualTo(Code.NO_TENANT_SCOPE);
            assertThat(unscoped.getCause()).isSameAs(e);
            assertSafe(unscoped);
        }
        TenantException already = new TenantException(Code.NESTED_SCOPE, "x");
        assertThat(TenantErrors.translate(already)).isSameAs(already);
        assertThat(already.sqlState()).as("not from the database").isEmpty();
    }

    @Test
    void a_rejected_bind_value_quoted_in_the_servers_own_message_is_kept_out_of_it() {
        TenantException bad = failure(() -> TenantScope.run(app, A, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT ?::uuid")) {
                ps.setString(1, SECRET);
                ps.executeQuery().close();
            }
        }));
        assertThat(bad.code()).isEqualTo(Code.DATABASE_ERROR);
        assertThat(bad.sqlState()).contains("22P02");
        assertThat(bad.getCause()).hasMessageContaining(SECRET);
        assertThat(bad).hasMessageContaining("invalid input syntax for type uuid");
        assertSafe(bad);
    }

    @Test
    void under_a_non_english_lc_messages_the_codes_stay_the_same() throws SQLException {
        String locale = nonEnglishLocale();
        assumeThat(locale).as("a non-English locale the server accepts for lc_messages").isNotNull();
        admin("ALTER ROLE " + db.appRole() + " SET lc_messages = '" + locale + "'");
        try {
            TenantException rls = failure(() -> TenantScope.run(app, A, c -> insertSignal(c, B)));
            TenantException denied = failure(() -> TenantScope.run(app, A,
                    c -> c.createStatement().executeQuery("SELECT * FROM err_no_grant").close()));
            assumeThat(rls.getMessage()).as("the server translates its messages (built with NLS)")
                    .doesNotContain("row-level security");
            assertThat(rls.code()).isEqualTo(Code.ROW_SECURITY_VIOLATION);
            assertThat(denied.code()).isEqualTo(Code.ACCESS_DENIED);
        } finally {
            admin("ALTER ROLE " + db.appRole() + " RESET lc_messages");
        }
    }

    /** The message and the string form hold no bind value and no SQL text. */
    private static void assertSafe(TenantException e) {
        for (String text : List.of(e.getMessage(), e.toString())) {
            assertThat(text).doesNotContain(SECRET).doesNotContainIgnoringCase("insert into")
                    .doesNotContainIgnoringCase("values").doesNotContainIgnoringCase("select ")
                    .doesNotContainIgnoringCase("set tenant_id").doesNotContain("SQL [")
                    .doesNotContain("Detail").doesNotContain("Where");
        }
    }

    private static TenantException failure(Runnable action) {
        Throwable t = catchThrowable(action::run);
        assertThat(t).isInstanceOf(TenantException.class);
        return (TenantException) t;
    }

    private static String routine(TenantException e) {
        Throwable t = e.getCause();
        while (t != null && !(t instanceof PSQLException)) {
            t = t.getCause();
        }
        assertThat(t).as("pgjdbc's exception in the cause chain").isNotNull();
        return ((PSQLException) t).getServerErrorMessage().getRoutine();
    }

    private static void insertSignal(Connection c, TenantId tenant) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO agent_signals"
                + " (tenant_id, agent_type, symbol, signal, confidence) VALUES (?, 'test', ?, 'buy', 1)")) {
            ps.setObject(1, tenant.value());
            ps.setString(2, SECRET);
            ps.executeUpdate();
        }
    }

    private static void insertTrade(Connection c, String tradeId, int account) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO trades (trade_id, account_id, symbol, side,"
                + " trade_type, quantity, price, gross_value, net_value, executed_at)"
                + " VALUES (?, ?, ?, 'buy', 'market', 1, 1, 1, 1, now())")) {
            ps.setString(1, tradeId);
            ps.setInt(2, account);
            ps.setString(3, SECRET);
            ps.executeUpdate();
        }
    }

    private static void insertNote(Connection c, int id, String note, Integer parent) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO err_notes (id, note, parent) VALUES (?, ?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, note);
            ps.setObject(3, parent);
            ps.executeUpdate();
        }
    }

    private static Integer counter(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT n FROM err_counters WHERE id = 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The first of a few common non-English locales that this server accepts for lc_messages, or null. */
    private static String nonEnglishLocale() throws SQLException {
        List<String> candidates = new ArrayList<>(List.of("de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8",
                "es_ES.UTF-8", "es_ES.utf8"));
        try (Connection c = db.ownerDataSource().getConnection(); Statement s = c.createStatement()) {
            for (String locale : candidates) {
                try {
                    s.execute("SET lc_messages = '" + locale + "'");
                    return locale;
                } catch (SQLException notInstalled) {
                    // the OS has no such locale; try the next
                }
            }
        }
        return null;
    }

    private static void admin(String... statements) throws SQLException {
        try (Connection c = db.ownerDataSource().getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
