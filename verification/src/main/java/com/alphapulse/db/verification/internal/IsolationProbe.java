package com.alphapulse.db.verification.internal;

import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.verification.ProbeCheck;
import com.alphapulse.db.verification.ProbeResult;
import com.alphapulse.db.verification.VerificationException;
import com.alphapulse.db.verification.VerificationException.Code;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import java.sql.Types;

/**
 * The isolation probe: as a role that is neither owner, superuser nor BYPASSRLS ({@link ProbeRole}), with real
 * rows of two fresh tenants A and B, tries every command on every tenant table as tenant A and with no tenant
 * set. The tenant tables are those of the live catalog (every table with a tenant_id column, see
 * {@link TenancyRules#tenantTables}); their rows come from {@link RowGenerator}, so a table a new migration
 * adds is probed without a change here.
 *
 * <p>Everything happens on one administrative connection in ONE transaction that is always rolled back: the
 * role (when the user may create one) and its grants, the tenants and their rows, every check. Nothing is
 * ever committed, so a failure halfway, or the session killed halfway, leaves no role, grant, tenant or row
 * behind, and no LOGIN role or password ever exists. Each check runs in a savepoint as the role ({@code SET
 * LOCAL ROLE}), rolled back after it, which also puts the administrative role and tenant setting back.
 *
 * <p>The order matters for the "no tenant set" checks: a session that has never set
 * {@code app.current_tenant_id} reads NULL, one that has (even in a rolled-back transaction) reads {@code ''},
 * which is what a reused pooled connection gives the application. So the never-set checks run first, then
 * tenant A's, then the same no-tenant checks with the setting explicitly emptied.
 *
 * <p>UPDATE and DELETE are issued without a WHERE clause, the way a forgetful application query would: a
 * statement that reads no column is filtered by the UPDATE or DELETE policy alone (PostgreSQL adds the
 * SELECT policy only when a column is read), so a weakened UPDATE or DELETE policy cannot hide behind an
 * intact SELECT policy.
 */
public final class IsolationProbe {

    private static final String SELECT = "SELECT";
    private static final String INSERT = "INSERT";
    private static final String UPDATE = "UPDATE";
    private static final String DELETE = "DELETE";
    private static final String CHECK_SAVEPOINT = "alphapulse_probe_check";
    /** SQLSTATE of AlphaPulse 011's alphapulse_current_tenant() when no tenant is in scope. */
    static final String NO_TENANT_IN_SCOPE = "AP001";
    /** The refusals that mean "no tenant in scope": an empty setting cast to uuid, or 011's explicit error. */
    private static final String[] NO_TENANT_REFUSALS = {Jdbc.INVALID_TEXT_REPRESENTATION, NO_TENANT_IN_SCOPE};

    /** Called before each step of a run; tests use it to make the probe fail, or be killed, halfway. */
    @FunctionalInterface
    interface Hook {
        Hook NONE = (step, admin) -> {};

        void before(String step, Connection admin) throws SQLException;
    }

    /** How a check's session has the tenant: tenant A, never set (NULL), or emptied (''). */
    private enum Scope { TENANT_A, NEVER_SET, EMPTIED }

    /** What one statement did: an update count, the values of the first row, or an error. */
    private record Attempt(long count, List<Long> values, SQLException error) {
        boolean failed() {
            return error != null;
        }

        boolean failedWith(String... states) {
            return error != null && List.of(states).contains(error.getSQLState());
        }

        String errorText() {
            return error == null ? "" : "SQLSTATE " + error.getSQLState() + ": " + firstLine(error.getMessage());
        }
    }

    /** The statement(s) of one check, run as the role. */
    @FunctionalInterface
    private interface Work {
        Attempt run(Connection c) throws SQLException;
    }

    private final DataSource ds;
    private final MigrationSet set;
    private final Hook hook;
    private final List<ProbeCheck> checks = new ArrayList<>();
    private List<String> tables;
    private Catalog live;
    private ProbeFixture fixture;
    private ProbeRole role;
    private Connection admin;
    private boolean neverSet;

    private IsolationProbe(DataSource ds, MigrationSet set, Hook hook) {
        this.ds = ds;
        this.set = set;
        this.hook = hook;
    }

    /**
     * Runs the probe on the database behind {@code ds}; the head of {@code set} tells which tables should be
     * tenant tables when the live catalog has lost a tenant_id.
     */
    public static ProbeResult run(DataSource ds, MigrationSet set) {
        return run(ds, set, Hook.NONE);
    }

    static ProbeResult run(DataSource ds, MigrationSet set, Hook hook) {
        return new IsolationProbe(ds, set, hook).run();
    }

    private ProbeResult run() {
        long start = System.nanoTime();
        Catalog head = ExpectedState.of(set.head()).catalog();
        try (Connection c = Jdbc.open(ds)) {
            admin = c;
            boolean autoCommit = c.getAutoCommit();
            try {
                c.setAutoCommit(false);
                live = CatalogReader.read(c, set);
                tables = TenancyRules.tenantTables(live, head);
                requireTenantTables(tables);
                try (Statement s = c.createStatement()) {
                    s.execute("SET LOCAL statement_timeout = '60s'");
                }
                neverSet = tenantSetting(c) == null;
                hook.before("role", c);
                role = ProbeRole.prepare(c, "alphapulse_probe_", tables, "SELECT, INSERT, UPDATE, DELETE");
                hook.before("fixture", c);
                fixture = new ProbeFixture();
                fixture.insert(c);
                neverSet &= !fixture.scoped();
                for (String table : tables) {
                    noTenant(table, Scope.NEVER_SET);
                }
                for (String table : tables) {
                    tenantA(table);
                }
                for (String table : tables) {
                    noTenant(table, Scope.EMPTIED);
                }
                return new ProbeResult(role.name(), role.provisioned(), neverSet, fixture.tenantA().toString(),
                        fixture.tenantB().toString(), checks, Duration.ofNanos(System.nanoTime() - start));
            } finally {
                // The one place anything is undone: the role, its grants, the tenants and their rows were never
                // committed. A pooled session goes back with its own autocommit mode and nothing else changed
                // (every setting was SET LOCAL).
                Jdbc.rollbackQuietly(c);
                try {
                    c.setAutoCommit(autoCommit);
                } catch (SQLException ignored) {
                    // A broken session: the pool discards it; the error that broke it is the one reported.
                }
            }
        } catch (SQLException e) {
            throw new VerificationException(Code.CONNECTION_FAILED, "probe: " + e.getMessage()
                    + " (nothing was committed)", e);
        }
    }

    private void requireTenantTables(List<String> tables) {
        List<String> lacking = new ArrayList<>();
        for (String t : tables) {
            if (!live.hasColumn(t, TenancyRules.TENANT_COLUMN)) {
                lacking.add(t + ".tenant_id");
            }
        }
        if (tables.isEmpty()) {
            lacking.add("a table with a tenant_id column");
        }
        if (!lacking.isEmpty()) {
            throw new VerificationException(Code.PRECONDITION_FAILED, "the isolation probe needs every tenant "
                    + "table to carry tenant_id (the tables with row-level security, a policy, or tenant_id here "
                    + "or at " + set.head().label() + "); missing: " + String.join(", ", lacking));
        }
    }

    private static String tenantSetting(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT current_setting(?, true)")) {
            s.setString(1, TenancyRules.TENANT_SETTING);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /**
     * Runs {@code work} as the role with {@code scope}, in a savepoint rolled back afterwards (which also undoes
     * SET LOCAL ROLE and the tenant setting). An error of the statement is the check's outcome; an error of the
     * savepoint itself (a killed session) ends the probe.
     */
    private Attempt attempt(String step, Scope scope, Work work) {
        try {
            hook.before(step, admin);
            try (Statement s = admin.createStatement()) {
                s.execute("SAVEPOINT " + CHECK_SAVEPOINT);
            }
            Attempt outcome;
            try {
                role.enter(admin);
                // A never-set check on a session that has seen the setting (a stale tenant left by a pooled
                // session's previous user, or the fixture's own scope) empties it: it must not run as a tenant.
                if (scope != Scope.NEVER_SET || !neverSet) {
                    try (PreparedStatement s = admin.prepareStatement("SELECT set_config(?, ?, true)")) {
                        s.setString(1, TenancyRules.TENANT_SETTING);
                        s.setString(2, scope == Scope.TENANT_A ? fixture.tenantA().toString() : "");
                        s.execute();
                    }
                }
                outcome = work.run(admin);
            } catch (SQLException e) {
                outcome = new Attempt(0, List.of(), e);
            }
            try (Statement s = admin.createStatement()) {
                s.execute("ROLLBACK TO SAVEPOINT " + CHECK_SAVEPOINT);
            }
            return outcome;
        } catch (SQLException e) {
            throw new VerificationException(Code.CONNECTION_FAILED, "the probe's session failed at " + step + ": "
                    + e.getMessage() + " (nothing was committed)", e);
        }
    }

    private void noTenant(String table, Scope scope) {
        String t = Jdbc.table(table);
        UUID a = fixture.tenantA();
        boolean emptied = scope == Scope.EMPTIED;
        String how = emptied ? "with the tenant setting emptied ('')"
                : neverSet ? "with the tenant setting never set (NULL)"
                : "with no tenant set (the session had already seen the setting, so it read '')";
        String step = table + (emptied ? " emptied tenant" : " no tenant");

        Attempt none = attempt(step + " SELECT", scope, c -> query(c, "SELECT count(*) FROM " + t));
        add(table, SELECT, emptied ? ProbeCheck.EMPTY_TENANT_SEES_NOTHING : ProbeCheck.NO_TENANT_SEES_NOTHING,
                none.failed() ? none.failedWith(NO_TENANT_REFUSALS) : none.values().get(0) == 0,
                how + ": " + (none.failed() ? "rejected, " + none.errorText() : "saw " + none.values().get(0) + " rows"));

        Attempt noneInsert = attempt(step + " INSERT", scope, c -> insert(c, table, a));
        add(table, INSERT, emptied ? ProbeCheck.EMPTY_TENANT_INSERT_REJECTED : ProbeCheck.NO_TENANT_INSERT_REJECTED,
                noneInsert.failedWith(Jdbc.INSUFFICIENT_PRIVILEGE, Jdbc.INVALID_TEXT_REPRESENTATION, NO_TENANT_IN_SCOPE),
                how + ": " + (noneInsert.failed() ? "rejected, " + noneInsert.errorText() : "inserted a row"));

        String touches = emptied ? ProbeCheck.EMPTY_TENANT_TOUCHES_NOTHING : ProbeCheck.NO_TENANT_TOUCHES_NOTHING;
        Attempt noneUpdate = attempt(step + " UPDATE", scope, c -> update(c, List.of(), "UPDATE " + t
                + " SET tenant_id = ?", a));
        add(table, UPDATE, touches,
                noneUpdate.failed() ? noneUpdate.failedWith(NO_TENANT_REFUSALS) : noneUpdate.count() == 0,
                how + ": " + (noneUpdate.failedWith(Jdbc.INSUFFICIENT_PRIVILEGE)
                        ? "rows were visible to UPDATE; only WITH CHECK stopped the write: " + noneUpdate.errorText()
                        : noneUpdate.failed() ? "rejected, " + noneUpdate.errorText()
                                : "touched " + noneUpdate.count() + " rows"));

        List<String> dependents = dependents(table);
        Attempt noneDelete = attempt(step + " DELETE", scope, c -> update(c, dependents, "DELETE FROM " + t));
        add(table, DELETE, touches,
                noneDelete.failed() ? noneDelete.failedWith(NO_TENANT_REFUSALS) : noneDelete.count() == 0,
                how + ": " + (noneDelete.failed() ? "rejected, " + noneDelete.errorText()
                        : "removed " + noneDelete.count() + " rows"));
    }

    private void tenantA(String table) {
        UUID a = fixture.tenantA();
        UUID b = fixture.tenantB();
        int n = ProbeFixture.ROWS;
        String t = Jdbc.table(table);
        String step = table + " tenant A";
        Scope asA = Scope.TENANT_A;

        Attempt own = attempt(step + " SELECT", asA,
                c -> query(c, "SELECT count(*), count(*) FILTER (WHERE tenant_id = ?) FROM " + t, a));
        add(table, SELECT, ProbeCheck.OWN_ROWS_ONLY, !own.failed() && own.values().get(0) == n
                        && own.values().get(1) == n,
                own.failed() ? own.errorText() : "tenant A saw " + own.values().get(0) + " rows, "
                        + own.values().get(1) + " of them its own; it has " + n);

        Attempt other = attempt(step + " SELECT other", asA,
                c -> query(c, "SELECT count(*) FROM " + t + " WHERE tenant_id = ?", b));
        add(table, SELECT, ProbeCheck.OTHER_TENANT_INVISIBLE, !other.failed() && other.values().get(0) == 0,
                other.failed() ? other.errorText() : "tenant A saw " + other.values().get(0) + " of tenant B's "
                        + n + " rows");

        Attempt ownInsert = attempt(step + " INSERT", asA, c -> insert(c, table, a));
        add(table, INSERT, ProbeCheck.OWN_INSERT_ALLOWED, !ownInsert.failed(),
                ownInsert.failed() ? "tenant A could not insert its own row: " + ownInsert.errorText()
                        : "inserted " + ownInsert.count() + " row");

        Attempt otherInsert = attempt(step + " INSERT other", asA, c -> insert(c, table, b));
        add(table, INSERT, ProbeCheck.OTHER_INSERT_REJECTED, otherInsert.failedWith(Jdbc.INSUFFICIENT_PRIVILEGE),
                otherInsert.failed() ? "rejected, " + otherInsert.errorText()
                        : "tenant A inserted a row of tenant B");

        String setTenant = "UPDATE " + t + " SET tenant_id = ?";
        Attempt ownUpdate = attempt(step + " UPDATE", asA, c -> update(c, List.of(), setTenant, a));
        add(table, UPDATE, ProbeCheck.OWN_ROWS_ONLY, !ownUpdate.failed() && ownUpdate.count() == n,
                ownUpdate.failed() ? ownUpdate.errorText() : "an UPDATE without WHERE as tenant A touched "
                        + ownUpdate.count() + " rows; tenant A has " + n);

        Attempt move = attempt(step + " UPDATE move", asA, c -> update(c, List.of(), setTenant, b));
        add(table, UPDATE, ProbeCheck.MOVE_REJECTED, move.failedWith(Jdbc.INSUFFICIENT_PRIVILEGE),
                move.failed() ? "rejected, " + move.errorText() : move.count() == 0
                        ? "no row of tenant A was visible to UPDATE, nothing could be tried"
                        : "moved " + move.count() + " rows of tenant A into tenant B");

        List<String> dependents = dependents(table);
        Attempt ownDelete = attempt(step + " DELETE", asA, c -> update(c, dependents, "DELETE FROM " + t));
        add(table, DELETE, ProbeCheck.OWN_ROWS_ONLY, !ownDelete.failed() && ownDelete.count() == n,
                ownDelete.failed() ? ownDelete.errorText() : "a DELETE without WHERE as tenant A removed "
                        + ownDelete.count() + " rows; tenant A has " + n);
    }

    private void add(String table, String command, String scenario, boolean passed, String detail) {
        checks.add(new ProbeCheck(table, command, scenario, passed, detail));
    }

    /**
     * The tenant tables whose foreign keys point at {@code table}, directly or not, children first: a
     * DELETE of all of a tenant's rows must clear them first, as the application would.
     */
    private List<String> dependents(String table) {
        Set<String> ordered = new LinkedHashSet<>();
        collect(table, ordered, new LinkedHashSet<>());
        ordered.remove(table);
        return List.copyOf(ordered);
    }

    private void collect(String table, Set<String> ordered, Set<String> visiting) {
        if (!visiting.add(table)) {
            return;
        }
        for (Catalog.Row k : live.all(Catalog.CONSTRAINTS)) {
            if ("FOREIGN KEY".equals(k.attr("constraint_type")) && table.equals(k.attr("referenced_table"))
                    && !k.table().equals(table) && tables.contains(k.table())) {
                collect(k.table(), ordered, visiting);
            }
        }
        ordered.add(table);
    }

    private static Attempt query(Connection c, String sql, Object... binds) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, binds);
            try (ResultSet rs = s.executeQuery()) {
                List<Long> values = new ArrayList<>();
                if (rs.next()) {
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        values.add(rs.getLong(i));
                    }
                }
                return new Attempt(0, values, null);
            }
        }
    }

    private Attempt insert(Connection c, String table, UUID tenant) throws SQLException {
        RowGenerator.SampleRow row = fixture.newRow(table, tenant);
        try (PreparedStatement s = c.prepareStatement(row.insertSql())) {
            for (int i = 0; i < row.values().size(); i++) {
                if (row.values().get(i) == null) {
                    s.setNull(i + 1, Types.VARCHAR);
                } else {
                    s.setString(i + 1, row.values().get(i));
                }
            }
            return new Attempt(s.executeUpdate(), List.of(), null);
        }
    }

    /** Runs {@code DELETE FROM} each of {@code before} (all unfiltered), then {@code sql}, in one savepoint. */
    private static Attempt update(Connection c, List<String> before, String sql, Object... binds) throws SQLException {
        for (String table : before) {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM " + Jdbc.table(table))) {
                s.executeUpdate();
            }
        }
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, binds);
            return new Attempt(s.executeLargeUpdate(), List.of(), null);
        }
    }

    private static void bind(PreparedStatement s, Object... binds) throws SQLException {
        for (int i = 0; i < binds.length; i++) {
            s.setObject(i + 1, binds[i]);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
