package com.alphapulse.db.verification.internal;

import com.alphapulse.db.verification.CompareResult;
import com.alphapulse.db.verification.DataSnapshot;
import com.alphapulse.db.verification.RowDigest;
import com.alphapulse.db.verification.SnapshotDifference;
import com.alphapulse.db.verification.SnapshotDifference.Kind;
import com.alphapulse.db.verification.TableSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** Compares two {@link DataSnapshot}s table by table and tenant by tenant. */
public final class SnapshotComparator {

    private SnapshotComparator() {}

    public static CompareResult compare(DataSnapshot before, DataSnapshot after) {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        Set<String> names = new TreeSet<>(before.tableNames());
        names.addAll(after.tableNames());
        List<SnapshotDifference> differences = new ArrayList<>();
        for (String name : names) {
            TableSnapshot b = before.table(name).orElse(null);
            TableSnapshot a = after.table(name).orElse(null);
            if (a == null) {
                differences.add(new SnapshotDifference(Kind.TABLE_ONLY_BEFORE, name, DataSnapshot.ALL_ROWS, b.total(),
                        RowDigest.EMPTY, b.hashedColumns(), List.of(), "table " + name + " is gone"));
            } else if (b == null) {
                differences.add(new SnapshotDifference(Kind.TABLE_ONLY_AFTER, name, DataSnapshot.ALL_ROWS,
                        RowDigest.EMPTY, a.total(), List.of(), a.hashedColumns(), "table " + name + " is new"));
            } else {
                compareTable(b, a, differences);
            }
        }
        return new CompareResult(differences);
    }

    private static void compareTable(TableSnapshot b, TableSnapshot a, List<SnapshotDifference> out) {
        boolean sameColumns = b.hashedColumns().equals(a.hashedColumns());
        if (!sameColumns) {
            out.add(new SnapshotDifference(Kind.COLUMNS_DIFFER, b.table(), DataSnapshot.ALL_ROWS, b.total(), a.total(),
                    b.hashedColumns(), a.hashedColumns(), "table " + b.table() + " hashed columns "
                            + b.hashedColumns() + " before and " + a.hashedColumns() + " after; only row counts compared"));
        }
        if (b.groupedByTenant() != a.groupedByTenant()) {
            // One side has no tenant_id (a lower version): only the table's totals are comparable.
            b = b.collapsed();
            a = a.collapsed();
        }
        // Same columns on both sides (one version): compare every column, the ones versions add or drop too.
        boolean full = b.allColumns().equals(a.allColumns());
        Map<String, RowDigest> bg = full ? b.fullGroups() : b.groups();
        Map<String, RowDigest> ag = full ? a.fullGroups() : a.groups();
        Set<String> tenants = new TreeSet<>(bg.keySet());
        tenants.addAll(ag.keySet());
        for (String tenant : tenants) {
            RowDigest x = bg.getOrDefault(tenant, RowDigest.EMPTY);
            RowDigest y = ag.getOrDefault(tenant, RowDigest.EMPTY);
            boolean differs = sameColumns || full ? !x.equals(y) : x.rows() != y.rows();
            if (differs) {
                String who = tenant.equals(DataSnapshot.ALL_ROWS) ? "" : " of tenant " + tenant;
                String what = x.rows() != y.rows() ? x.rows() + " rows before, " + y.rows() + " after"
                        : "same " + x.rows() + " rows but different content";
                out.add(new SnapshotDifference(Kind.ROWS_DIFFER, b.table(), tenant, x, y,
                        full ? b.allColumns() : b.hashedColumns(), full ? a.allColumns() : a.hashedColumns(), "table " + b.table() + who + ": " + what));
            }
        }
    }
}
