package com.alphapulse.db.verification.internal;

import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.migrations.RowSecurity;
import com.alphapulse.db.verification.DataSnapshot;
import com.alphapulse.db.verification.RowDigest;
import com.alphapulse.db.verification.TableSnapshot;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;

/** Takes {@link DataSnapshot}s; the semantics are documented there. */
public final class Snapshotter {

    private static final String COLUMNS_SQL = "SELECT c.relname, a.attname FROM pg_attribute a "
            + "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'flyway_schema_history' "
            + "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, 2";

    private Snapshotter() {}

    /**
     * A snapshot of {@code tables}, or of every table of schema public when {@code tables} is null; the
     * columns that some versions of {@code set} lack are left out of the checksums.
     */
    public static DataSnapshot take(DataSource ds, MigrationSet set, Collection<String> tables) {
        try (Connection c = Jdbc.open(ds)) {
            boolean autoCommit = c.getAutoCommit();
            int isolation = c.getTransactionIsolation();
            boolean readOnly = c.isReadOnly();
            Throwable failure = null;
            try {
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                c.setReadOnly(true);
                DataSnapshot snapshot = take(c, set, tables);
                c.commit();
                return snapshot;
            } catch (SQLException | RuntimeException | Error e) {
                failure = e;
                throw e;
            } finally {
                restore(c, autoCommit, isolation, readOnly, failure);
            }
        } catch (SQLException e) {
            throw Jdbc.privilegeOrQueryFailed("cannot take a data snapshot", e);
        }
    }

    /**
     * Puts the connection's modes back, each attempted even if another fails. With an earlier failure, what
     * goes wrong here is attached to it rather than replacing it; without one, it is thrown.
     */
    private static void restore(Connection c, boolean autoCommit, int isolation, boolean readOnly,
            Throwable failure) throws SQLException {
        Jdbc.rollbackQuietly(c);
        SQLException first = null;
        List<Jdbc.SqlAction> steps = List.of(() -> c.setReadOnly(readOnly), () -> c.setTransactionIsolation(isolation),
                () -> c.setAutoCommit(autoCommit));
        for (Jdbc.SqlAction step : steps) {
            try {
                step.run();
            } catch (SQLException e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                } else if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static DataSnapshot take(Connection c, MigrationSet set, Collection<String> only) throws SQLException {
        Instant at = Instant.now();
        try (Statement s = c.createStatement()) {
            // Fixed rendering, so that the same values hash the same in any session; row_security off makes a
            // read that policies would still filter fail loudly instead of producing a partial snapshot.
            s.execute("SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; "
                    + "SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 1; "
                    + "SET LOCAL bytea_output = 'hex'; SET LOCAL row_security = off");
        }
        Map<String, Set<String>> columns = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(COLUMNS_SQL)) {
            while (rs.next()) {
                columns.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(rs.getString(2));
            }
        }
        Map<String, Set<String>> varying = ExpectedState.varyingColumns(set);
        List<String> names = columns.keySet().stream().filter(t -> only == null || only.contains(t)).toList();
        // A migration role under FORCE ROW LEVEL SECURITY would see one tenant's rows, or none: the tables RLS
        // filters for it are read as the bypass role (refused with 42501 naming the grant when it cannot), the
        // others as the user itself, since the bypass role holds SELECT on the tenant tables only.
        List<String> filtered = RowSecurity.filtered(c, names);
        Map<String, TableSnapshot> read = new TreeMap<>();
        for (String table : names) {
            if (!filtered.contains(table)) {
                read.put(table, table(c, table, columns.get(table), varying));
            }
        }
        if (!filtered.isEmpty()) {
            try (RowSecurity.Switch sw = RowSecurity.seeEveryTenant(c, filtered)) {
                for (String table : filtered) {
                    read.put(table, table(c, table, columns.get(table), varying));
                }
            }
        }
        return new DataSnapshot(at, new ArrayList<>(read.values()));
    }

    private static TableSnapshot table(Connection c, String table, Set<String> columns,
            Map<String, Set<String>> varying) throws SQLException {
        List<String> all = new ArrayList<>(columns);
        List<String> hashed = new ArrayList<>(all);
        hashed.removeAll(varying.getOrDefault(table, Set.of()));
        boolean grouped = columns.contains(TenancyRules.TENANT_COLUMN);
        Map<String, RowDigest[]> digests = digest(c, table, hashed, all, grouped);
        Map<String, RowDigest> common = new LinkedHashMap<>();
        Map<String, RowDigest> full = new LinkedHashMap<>();
        digests.forEach((k, v) -> {
            common.put(k, v[0]);
            full.put(k, v[1]);
        });
        return new TableSnapshot(table, hashed, grouped, common, all, full);
    }

    private static String hash(List<String> columns) {
        StringBuilder row = new StringBuilder("ROW(");
        for (int i = 0; i < columns.size(); i++) {
            row.append(i == 0 ? "" : ", ").append("t.").append(Jdbc.ident(columns.get(i)));
        }
        row.append(")::text");
        String rowText = columns.isEmpty() ? "''" : row.toString();
        return "('x' || substr(md5(" + rowText + "), 1, 16))::bit(64)::bigint";
    }

    /** Per group: the digest over {@code hashed} and the one over {@code all}. */
    private static Map<String, RowDigest[]> digest(Connection c, String table, List<String> hashed, List<String> all,
            boolean grouped) throws SQLException {
        String group = grouped ? "t.tenant_id::text" : "NULL::text";
        String sql = "SELECT " + group + ", count(*), sum(" + hash(hashed) + "), sum(" + hash(all) + ") FROM "
                + Jdbc.table(table) + " AS t" + (grouped ? " GROUP BY 1" : "");
        Map<String, RowDigest[]> groups = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                long rows = rs.getLong(2);
                if (rows == 0) {
                    continue;
                }
                String key = grouped ? (rs.getString(1) == null ? DataSnapshot.NO_TENANT : rs.getString(1))
                        : DataSnapshot.ALL_ROWS;
                BigDecimal sum = rs.getBigDecimal(3);
                BigDecimal fullSum = rs.getBigDecimal(4);
                // sum(bigint) is numeric and never overflows; wrapping it to 64 bits keeps the sum additive.
                groups.put(key, new RowDigest[] {new RowDigest(rows, sum == null ? 0 : sum.toBigInteger().longValue()),
                    new RowDigest(rows, fullSum == null ? 0 : fullSum.toBigInteger().longValue())});
            }
        }
        return groups;
    }
}
