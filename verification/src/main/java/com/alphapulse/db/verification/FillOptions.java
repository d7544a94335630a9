package com.alphapulse.db.verification;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What {@link Verifier#fill(FillOptions)} generates: {@code tenants} new tenants in the tenant registry and,
 * for each of them, rows in every tenant table of the live catalog.
 *
 * @param tenants how many new tenants (at least 1)
 * @param rowsPerTable rows per tenant in every tenant table not named in {@code rowsByTable} (0 or more)
 * @param rowsByTable rows per tenant for particular tables, by table name (0 leaves a table empty); names
 *     that are not tenant tables of the live database are ignored, so one set of options fits every version
 * @param seed makes the tenant ids and the generated values reproducible; filling twice with one seed is
 *     refused, the second run would repeat the first one's tenant ids
 * @param existingTenants when not empty, no tenant is created: these tenants, already in the registry, get
 *     the rows ({@code tenants} is then their count), e.g. to add rows to tables another generator left empty
 */
public record FillOptions(int tenants, long rowsPerTable, Map<String, Long> rowsByTable, long seed,
        List<UUID> existingTenants) {

    /** Options that create {@code tenants} new tenants. */
    public FillOptions(int tenants, long rowsPerTable, Map<String, Long> rowsByTable, long seed) {
        this(tenants, rowsPerTable, rowsByTable, seed, List.of());
    }

    public FillOptions {
        if (tenants < 1) {
            throw new IllegalArgumentException("tenants must be at least 1, was " + tenants);
        }
        if (rowsPerTable < 0) {
            throw new IllegalArgumentException("rowsPerTable must not be negative, was " + rowsPerTable);
        }
        Objects.requireNonNull(rowsByTable, "rowsByTable");
        rowsByTable.forEach((table, rows) -> {
            if (rows == null || rows < 0) {
                throw new IllegalArgumentException("rows of " + table + " must not be negative, was " + rows);
            }
        });
        rowsByTable = Collections.unmodifiableMap(new TreeMap<>(rowsByTable));
        existingTenants = List.copyOf(Objects.requireNonNull(existingTenants, "existingTenants"));
        if (!existingTenants.isEmpty() && existingTenants.size() != tenants) {
            throw new IllegalArgumentException("tenants must be the number of existing tenants, " + existingTenants.size());
        }
    }

    /** Rows for tenants already in the registry: {@code rowsPerTable} per tenant in every tenant table, seed 1. */
    public static FillOptions forTenants(List<UUID> tenants, long rowsPerTable) {
        return new FillOptions(tenants.size(), rowsPerTable, Map.of(), 1, tenants);
    }

    /** {@code tenants} tenants with {@code rowsPerTable} rows each in every tenant table, seed 1. */
    public static FillOptions of(int tenants, long rowsPerTable) {
        return new FillOptions(tenants, rowsPerTable, Map.of(), 1);
    }

    /** These options with {@code rowsPerTenant} rows per tenant in {@code table}. */
    public FillOptions withRows(String table, long rowsPerTenant) {
        Map<String, Long> copy = new TreeMap<>(rowsByTable);
        copy.put(Objects.requireNonNull(table, "table"), rowsPerTenant);
        return new FillOptions(tenants, rowsPerTable, copy, seed, existingTenants);
    }

    /** These options with another seed. */
    public FillOptions withSeed(long seed) {
        return new FillOptions(tenants, rowsPerTable, rowsByTable, seed, existingTenants);
    }

    /** Rows per tenant in {@code table}. */
    public long rowsOf(String table) {
        return rowsByTable.getOrDefault(table, rowsPerTable);
    }
}
