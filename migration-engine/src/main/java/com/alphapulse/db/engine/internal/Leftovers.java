package com.alphapulse.db.engine.internal;

import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.migrations.Version;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a version that runs outside a transaction (V009's {@code CREATE INDEX CONCURRENTLY}) left when it
 * was interrupted: the indexes its script names, by name, that exist although the version is not applied.
 *
 * <p>An index counts as left by the version when it is INVALID (a build that did not finish), when the
 * version failed (a failed history row, or the engine's last attempt at it failed and no repair ran since),
 * or when the version's indexes that exist are exactly its first ones in script order: the footprint of a run
 * stopped part-way, which is all a killed process leaves (no failed row, no journal entry, every index built
 * before the kill VALID). A VALID index of such a name that breaks that order (one built by hand) is somebody's
 * own. An index being built by a live session is never a leftover. Indexes no migration names are never
 * considered.
 */
final class Leftovers {

    /** One index a version's script builds concurrently, found in the catalog while the version is not applied. */
    record Index(Version version, String name, String table, boolean valid, Integer buildingPid, boolean leftover) {}

    private Leftovers() {}

    /** The indexes of versions above {@code current} (pending or failed) that exist, leftover or not, in script order. */
    static List<Index> find(Connection c, EngineSettings s, HistoryTable.State state) throws SQLException {
        List<Index> out = new ArrayList<>();
        for (SchemaVersion v : s.migrations().versions()) {
            boolean applied = !v.version().isAbove(state.current()) && !state.failed().contains(v.version());
            if (applied) {
                continue;
            }
            Map<String, String> names = concurrentIndexes(v);
            List<Index> present = new ArrayList<>();
            for (Map.Entry<String, String> n : names.entrySet()) {
                Object[] r = Sql.row(c, "SELECT i.indisvalid, p.pid FROM pg_index i LEFT JOIN pg_stat_progress_create_index p "
                        + "ON p.index_relid = i.indexrelid WHERE i.indexrelid = to_regclass(?)", Catalog.regclass(n.getKey()));
                if (r != null) {
                    present.add(new Index(v.version(), n.getKey(), n.getValue(), Boolean.TRUE.equals(r[0]),
                            Sql.integer(r[1]), false));
                }
            }
            if (present.isEmpty()) {
                continue;
            }
            List<String> presentNames = present.stream().map(Index::name).toList();
            boolean footprint = presentNames.equals(new ArrayList<>(names.keySet()).subList(0, presentNames.size()));
            boolean failed = state.failed().contains(v.version()) || Journal.upgradeFailedSinceRepair(c, v.version());
            Map<String, String> expected = expectedDefinitions(v);
            for (Index i : present) {
                // Without a record of the failure, a VALID index is taken for the run's only if it is exactly the one
                // the version builds: then dropping it costs a rebuild and nothing else; a DBA's own index of that
                // name with another definition is never dropped (it is reported, and blocks the upgrade).
                boolean same = i.valid() && footprint && !failed && definition(c, i.name()).equals(expected.get(i.name()));
                boolean leftover = i.buildingPid() == null && (!i.valid() || failed || (footprint && same));
                out.add(new Index(i.version(), i.name(), i.table(), i.valid(), i.buildingPid(), leftover));
            }
        }
        return out;
    }

    /**
     * The indexes {@code v}'s script builds concurrently (name to table), in script order; parsed once per set,
     * not on every status, upgrade and repair.
     */
    private static Map<String, String> concurrentIndexes(SchemaVersion v) {
        return v.set().derived("concurrent-indexes:" + v.label(), () -> {
            Map<String, String> names = new LinkedHashMap<>();
            for (Script.Statement st : Script.parse(v.migrationSql())) {
                for (Script.Effect e : st.effects()) {
                    if (e.kind() == Script.Kind.CREATE_INDEX && e.concurrently() && e.name() != null) {
                        names.putIfAbsent(e.name(), e.table());
                    }
                }
            }
            return java.util.Collections.unmodifiableMap(names);
        });
    }

    /** The definitions the version's expected catalog gives its indexes, by name. */
    private static Map<String, String> expectedDefinitions(SchemaVersion v) {
        return v.set().derived("index-definitions:" + v.label(), () -> {
            Map<String, String> out = new LinkedHashMap<>();
            for (Map<String, String> r : v.expectedCatalog("indexes")) {
                out.put(r.get("name"), r.get("definition"));
            }
            return java.util.Collections.unmodifiableMap(out);
        });
    }

    /** pg_get_indexdef as the expected catalog prints it (with its search_path, so names are not qualified). */
    private static String definition(Connection c, String index) throws SQLException {
        // The setting must not outlive the read: its own transaction, or a savepoint inside the caller's.
        boolean auto = c.getAutoCommit();
        java.sql.Savepoint sp = null;
        if (auto) {
            c.setAutoCommit(false);
        } else {
            sp = c.setSavepoint();
        }
        try {
            Sql.rows(c, "SELECT set_config('search_path', ?, true)", com.alphapulse.db.migrations.CatalogQueries.SEARCH_PATH);
            Object d = Sql.value(c, "SELECT pg_get_indexdef(to_regclass(?))", Catalog.regclass(index));
            return d == null ? "" : d.toString();
        } finally {
            if (auto) {
                Connections.rollbackQuietly(c);
                c.setAutoCommit(true);
            } else {
                c.rollback(sp);
            }
        }
    }

    /**
     * One line per version with leftovers, e.g. "009 interrupted: 3 index(es) left by CREATE INDEX CONCURRENTLY
     * (1 INVALID): a, b, c (INVALID); run repair"; empty when there are none.
     */
    static List<String> describe(List<Index> found) {
        Map<Version, List<Index>> byVersion = found.stream().filter(Index::leftover)
                .collect(Collectors.groupingBy(Index::version, LinkedHashMap::new, Collectors.toList()));
        List<String> out = new ArrayList<>();
        for (Map.Entry<Version, List<Index>> e : byVersion.entrySet()) {
            long invalid = e.getValue().stream().filter(i -> !i.valid()).count();
            out.add(e.getKey().label() + " interrupted: " + e.getValue().size() + " index(es) left by CREATE INDEX CONCURRENTLY ("
                    + invalid + " INVALID): " + e.getValue().stream().map(i -> i.name() + (i.valid() ? "" : " (INVALID)"))
                            .collect(Collectors.joining(", "))
                    + "; run repair (it drops them), then upgrade");
        }
        return out;
    }
}
