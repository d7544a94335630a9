package com.alphapulse.db.verification.internal;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.Record;

/**
 * The valid indexes of schema public that serve {@code tenant_id = ?} on the whole table: the first key is the
 * plain column tenant_id (not an expression over it) and there is no predicate. The catalog query's column
 * list cannot tell: it leaves out expression keys and ignores partial indexes.
 */
final class TenantIndexes {

    /** One such index and how many key columns it has (more than one: a composite index). */
    record Index(String table, String name, int keyColumns) {
        boolean composite() {
            return keyColumns > 1;
        }
    }

    private static final String SQL = "SELECT t.relname, i.relname, x.indnkeyatts FROM pg_index x "
            + "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
            + "JOIN pg_namespace n ON n.oid = t.relnamespace "
            + "WHERE n.nspname = 'public' AND x.indisvalid AND x.indpred IS NULL "
            + "AND pg_get_indexdef(x.indexrelid, 1, true) = ? ORDER BY 1, 2";

    private TenantIndexes() {}

    /** By table name. */
    static Map<String, List<Index>> read(Connection c) {
        Map<String, List<Index>> byTable = new TreeMap<>();
        for (Record r : Jdbc.dsl(c).fetch(SQL, TenancyRules.TENANT_COLUMN)) {
            Index i = new Index(r.get(0, String.class), r.get(1, String.class), r.get(2, Integer.class));
            byTable.computeIfAbsent(i.table(), k -> new ArrayList<>()).add(i);
        }
        return byTable;
    }
}
