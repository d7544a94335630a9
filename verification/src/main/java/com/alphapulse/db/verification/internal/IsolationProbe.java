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
 * The isolation probe: as a temporary role that is neither owner, superuser nor BYPASSRLS, with real rows of
 * two fresh tenants A and B, tries every command on every tenant table as tenant A and with no tenant set.
 * The tenant tables are those of the live catalog (every table with a tenant_id column, see
 * {@link TenancyRules#tenantTables}); their rows come from {@link RowGenerator}, so a table a new migration
 * adds is probed without a change here.
 *
 * <p>Every statement runs in its own transaction, rolled back afterwards, so the checks are independent.
 * UPDATE and DELETE are issued without a WHERE clause, the way a forgetful application query would: a
 * statement that reads no column is filtered by the UPDATE or DELETE policy alone (PostgreSQL adds the
 * SELECT policy only when a column is read), so a weakened UPDATE or DELETE policy cannot hide behind an
 * intact SELECT policy. The tenants, their rows and the role are removed in every case, also when a check
 * fails or the probe itself throws.
 */
public final class IsolationProbe {

    private static final String SELECT = "SELECT";
    private static final String INSERT = "INSERT";
    private static final String UPDATE = "UPDATE";
    private static final String DELETE = "DELETE";

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

    private final DataSource ds;
    private final MigrationSet set;
    private final List<ProbeCheck> checks = new ArrayList<>();
    private List<String> tables;
    private Catalog live;
    private ProbeFixture fixture;
    private Connection asA;
    private Connection noTenant;

    private IsolationProbe(DataSource ds, MigrationSet set) {
        this.ds = ds;
        this.set = set;
    }

    /**
     * Runs the probe on the database behind {@code ds}, whose user must be able to create roles; the head of
     * {@code set} tells which tables should be tenant tables when the live catalog has lost a tenant_id.
     */
    public static ProbeResult run(DataSource ds, MigrationSet set) {
        return new IsolationProbe(ds, set).run();
    }

    private ProbeResult run() {
        long start = System.nanoTime();
        Catalog head = ExpectedState.of(set.head()).catalog();
        try (Connection admin = Jdbc.open(ds)) {
            live = CatalogReader.read(admin, set);
            tables = TenancyRules.tenantTables(live, head);
            requireTenantTables(tables);
            TempRole role = TempRole.create(ds, admin, "alphapulse_probe_", tables, "SELECT, INSERT, UPDATE, DELETE");
            fixture = new ProbeFixture();
            RuntimeException failure = null;
            try {
                fixture.insert(admin);
                asA = session(role, fixture.tenantA());
                noTenant = session(role, null);
                for (String table : tables) {
                    probe(table);
                }
                return new ProbeResult(role.name(), role.loginSessions(), fixture.tenantA().toString(),
                        fixture.tenantB().toString(), checks, Duration.ofNanos(System.nanoTime() - start));
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            } finally {
                cleanup(admin, role, failure);
            }
        } catch (SQLException e) {
            throw new VerificationException(Code.CONNECTION_FAILED, "probe: " + e.getMessage(), e);
        }
    }

    private void cleanup(Connection admin, TempRole role, RuntimeException failure) {
        List<RuntimeException> errors = new ArrayList<>();
        try {
            role.close();
        } catch (RuntimeException e) {
            errors.add(e);
        }
        try {
            fixture.delete(admin);
        } catch (RuntimeException e) {
            errors.add(e);
        }
        if (errors.isEmpty()) {
            return;
        }
        if (failure != null) {
            errors.forEach(failure::addSuppressed);
            return;
        }
        RuntimeException first = errors.get(0);
        errors.subList(1, errors.size()).forEach(first::addSuppressed);
        throw first;
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

    private static Connection session(TempRole role, UUID tenant) {
        Connection c = role.connect();
        try {
            c.setAutoCommit(true);
            try (PreparedStatement s = c.prepareStatement("SELECT set_config('statement_timeout', '60s', false)")) {
                s.execute();
            }
            if (tenant != null) {
                try (PreparedStatement s = c.prepareStatement("SELECT set_config(?, ?, false)")) {
                    s.setString(1, TenancyRules.TENANT_SETTING);
                    s.setString(2, tenant.toString());
                    s.execute();
                }
            } else if (tenantSetting(c) != null) {
                // The no-tenant checks must really run without one, whatever the session carried before. A session
                // that never saw the setting reads NULL, the strictest case, and is left so; once a session has
                // seen it, RESET gives '', the closest to NULL PostgreSQL offers.
                try (Statement s = c.createStatement()) {
                    s.execute("RESET " + TenancyRules.TENANT_SETTING);
                }
            }
            c.setAutoCommit(false);
            return c;
        } catch (SQLException e) {
            throw new VerificationException(Code.PROBE_SETUP_FAILED, "cannot prepare a session as " + role.name()
                    + ": " + e.getMessage(), e);
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

    private void probe(String table) {
        UUID a = fixture.tenantA();
        UUID b = fixture.tenantB();
        int n = ProbeFixture.ROWS;
        String t = Jdbc.table(table);

        Attempt own = query(asA, "SELECT count(*), count(*) FILTER (WHERE tenant_id = ?) FROM " + t, a);
        add(table, SELECT, ProbeCheck.OWN_ROWS_ONLY, !own.failed() && own.values().get(0) == n
                        && own.values().get(1) == n,
                own.failed() ? own.errorText() : "tenant A saw " + own.values().get(0) + " rows, "
                        + own.values().get(1) + " of them its own; it has " + n);

        Attempt other = query(asA, "SELECT count(*) FROM " + t + " WHERE tenant_id = ?", b);
        add(table, SELECT, ProbeCheck.OTHER_TENANT_INVISIBLE, !other.failed() && other.values().get(0) == 0,
                other.failed() ? other.errorText() : "tenant A saw " + other.values().get(0) + " of tenant B's "
                        + n + " rows");

        Attempt none = query(noTenant, "SELECT count(*) FROM " + t);
        add(table, SELECT, ProbeCheck.NO_TENANT_SEES_NOTHING,
                none.failed() ? none.failedWith(Jdbc.INVALID_TEXT_REPRESENTATION, Jdbc.NO_TENANT_IN_SCOPE) : none.values().get(0) == 0,
                none.failed() ? "rejected, " + none.errorText() : "saw " + none.values().get(0) + " rows");

        Attempt ownInsert = insert(asA, table, a);
        add(table, INSERT, ProbeCheck.OWN_INSERT_ALLOWED, !ownInsert.failed(),
                ownInsert.failed() ? "tenant A could not insert its own row: " + ownInsert.errorText()
                        : "inserted " + ownInsert.count() + " row");

        Attempt otherInsert = insert(asA, table, b);
        add(table, INSERT, ProbeCheck.OTHER_INSERT_REJECTED, otherInsert.failedWith(Jdbc.INSUFFICIENT_PRIVILEGE),
                otherInsert.failed() ? "rejected, " + otherInsert.errorText()
                        : "tenant A inserted a row of tenant B");

        Attempt noneInsert = insert(noTenant, table, a);
        add(table, INSERT, ProbeCheck.NO_TENANT_INSERT_REJECTED,
                noneInsert.failedWith(Jdbc.INSUFFICIENT_PRIVILEGE, Jdbc.INVALID_TEXT_REPRESENTATION, Jdbc.NO_TENANT_IN_SCOPE),
                noneInsert.failed() ? "rejected, " + noneInsert.errorText() : "inserted a row with no tenant set");

        String setA = "UPDATE " + t + " SET tenant_id = ?";
        Attempt ownUpdate = update(asA, List.of(), setA, a);
        add(table, UPDATE, ProbeCheck.OWN_ROWS_ONLY, !ownUpdate.failed() && ownUpdate.count() == n,
                ownUpdate.failed() ? ownUpdate.errorText() : "an UPDATE without WHERE as tenant A touched "
                        + ownUpdate.count() + " rows; tenant A has " + n);

        Attempt move = update(asA, List.of(), setA, b);
        add(table, UPDATE, ProbeCheck.MOVE_REJECTED, move.failedWith(Jdbc.INSUFFICIENT_PRIVILEGE),
                move.failed() ? "rejected, " + move.errorText() : move.count() == 0
                        ? "no row of tenant A was visible to UPDATE, nothing could be tried"
                        : "moved " + move.count() + " rows of tenant A into tenant B");

        Attempt noneUpdate = update(noTenant, List.of(), setA, a);
        add(table, UPDATE, ProbeCheck.NO_TENANT_TOUCHES_NOTHING,
                noneUpdate.failed() ? noneUpdate.failedWith(Jdbc.INVALID_TEXT_REPRESENTATION, Jdbc.NO_TENANT_IN_SCOPE) : noneUpdate.count() == 0,
                noneUpdate.failedWith(Jdbc.INSUFFICIENT_PRIVILEGE)
                        ? "rows were visible to UPDATE with no tenant set; only WITH CHECK stopped the write: "
                                + noneUpdate.errorText()
                        : noneUpdate.failed() ? "rejected, " + noneUpdate.errorText()
                                : "touched " + noneUpdate.count() + " rows");

        List<String> dependents = dependents(table);
        Attempt ownDelete = update(asA, dependents, "DELETE FROM " + t);
        add(table, DELETE, ProbeCheck.OWN_ROWS_ONLY, !ownDelete.failed() && ownDelete.count() == n,
                ownDelete.failed() ? ownDelete.errorText() : "a DELETE without WHERE as tenant A removed "
                        + ownDelete.count() + " rows; tenant A has " + n);

        Attempt noneDelete = update(noTenant, dependents, "DELETE FROM " + t);
        add(table, DELETE, ProbeCheck.NO_TENANT_TOUCHES_NOTHING,
                noneDelete.failed() ? noneDelete.failedWith(Jdbc.INVALID_TEXT_REPRESENTATION, Jdbc.NO_TENANT_IN_SCOPE) : noneDelete.count() == 0,
                noneDelete.failed() ? noneDelete.errorText() : "removed " + noneDelete.count() + " rows");
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

    private static Attempt query(Connection c, String sql, Object... binds) {
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
        } catch (SQLException e) {
            return new Attempt(0, List.of(), e);
        } finally {
            Jdbc.rollbackQuietly(c);
        }
    }

    private Attempt insert(Connection c, String table, UUID tenant) {
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
        } catch (SQLException e) {
            return new Attempt(0, List.of(), e);
        } finally {
            Jdbc.rollbackQuietly(c);
        }
    }

    /** Runs {@code DELETE FROM} each of {@code before} (all unfiltered), then {@code sql}, in one transaction. */
    private static Attempt update(Connection c, List<String> before, String sql, Object... binds) {
        try {
            for (String table : before) {
                try (PreparedStatement s = c.prepareStatement("DELETE FROM " + Jdbc.table(table))) {
                    s.executeUpdate();
                }
            }
            try (PreparedStatement s = c.prepareStatement(sql)) {
                bind(s, binds);
                return new Attempt(s.executeLargeUpdate(), List.of(), null);
            }
        } catch (SQLException e) {
            return new Attempt(0, List.of(), e);
        } finally {
            Jdbc.rollbackQuietly(c);
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
