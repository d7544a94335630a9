package com.alphapulse.db.verification;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The data of a database at one moment: per table and per tenant, a row count and an order-independent
 * checksum ({@link RowDigest}). Taken in one repeatable-read transaction, so all tables are seen at the same
 * instant, with row-level security off (a role that row-level security would filter gets an error, never a
 * partial snapshot).
 *
 * <h2>What is hashed</h2>
 * Each row is hashed as the text of {@code ROW(col1, col2, ...)} over the table's
 * {@linkplain TableSnapshot#hashedColumns() hashed columns}, in alphabetical order (so physical column order
 * does not matter), rendered with fixed settings (UTC time zone, ISO dates, shortest exact floats). The
 * hashed columns are all live columns except those that exist at only some versions of the schema - a
 * column some migration adds or drops, such as {@code tenant_id}, which 006 and 007 add and a rollback
 * removes. Leaving those out makes a snapshot taken at a low version (e.g. 002) comparable with one taken at
 * the head, while the rows' other values still have to be identical.
 *
 * <h2>Grouping by tenant</h2>
 * A table that has a {@code tenant_id} column is grouped by it: one digest per tenant. Although tenant_id is
 * not hashed, two head snapshots of the same rows compare equal only if every tenant holds exactly the same
 * rows, i.e. every row's tenant_id is identical (rows differ by their primary key, so no two rows of
 * different tenants can trade places unseen). This is what proves a downgrade and re-upgrade lossless.
 *
 * <h2>Comparing across versions</h2>
 * {@link Verifier#compare(DataSnapshot, DataSnapshot)} compares a grouped table with an ungrouped one (a
 * head snapshot with a 002 snapshot) by their totals; {@link #restrictTo(Collection)} leaves out the tables
 * one side cannot have (e.g. {@code tenants} when comparing with 002).
 *
 * @param takenAt when the snapshot was taken
 * @param tables one entry per table, alphabetically
 */
public record DataSnapshot(Instant takenAt, List<TableSnapshot> tables) {

    /** The group name of a table without tenant_id, and of collapsed tables. */
    public static final String ALL_ROWS = "*";
    /** The group name of rows whose tenant_id is NULL. */
    public static final String NO_TENANT = "(null)";

    public DataSnapshot {
        tables = List.copyOf(tables);
    }

    /** The snapshot of one table, if it was taken. */
    public Optional<TableSnapshot> table(String name) {
        return tables.stream().filter(t -> t.table().equals(name)).findFirst();
    }

    /** The names of the tables in this snapshot. */
    public List<String> tableNames() {
        return tables.stream().map(TableSnapshot::table).toList();
    }

    /** This snapshot with only the named tables (names it does not have are ignored). */
    public DataSnapshot restrictTo(Collection<String> names) {
        Set<String> keep = Set.copyOf(names);
        return new DataSnapshot(takenAt, tables.stream().filter(t -> keep.contains(t.table())).toList());
    }

    /** This snapshot without the named tables. */
    public DataSnapshot without(Collection<String> names) {
        Set<String> drop = Set.copyOf(names);
        return new DataSnapshot(takenAt, tables.stream().filter(t -> !drop.contains(t.table())).toList());
    }

    /** This snapshot with every table's groups merged into one ({@link TableSnapshot#collapsed()}). */
    public DataSnapshot collapsed() {
        return new DataSnapshot(takenAt, tables.stream().map(TableSnapshot::collapsed).toList());
    }
}
