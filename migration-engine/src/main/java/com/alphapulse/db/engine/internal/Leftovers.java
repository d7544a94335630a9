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
import org.jooq.Record;

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
            Map<String, String> names = new LinkedHashMap<>();
            for (Script.Statement st : Script.parse(v.migrationSql())) {
                for (Script.Effect e : st.effects()) {
                    if (e.kind() == Script.Kind.CREATE_INDEX && e.concurrently() && e.name() != null) {
                        names.putIfAbsent(e.name(), e.table());
                    }
                }
            }
            List<Index> present = new ArrayList<>();
            for (Map.Entry<String, String> n : names.entrySet()) {
                Record r = Sql.ctx(c).fetchOne("SELECT i.indisvalid, p.pid FROM pg_index i LEFT JOIN pg_stat_progress_create_index p "
                        + "ON p.index_relid = i.indexrelid WHERE i.indexrelid = to_regclass(?)", Catalog.regclass(n.getKey()));
                if (r != null) {
                    present.add(new Index(v.version(), n.getKey(), n.getValue(), Boolean.TRUE.equals(r.get(0, Boolean.class)),
                            r.get(1, Integer.class), false));
                }
            }
            if (present.isEmpty()) {
                continue;
            }
            List<String> presentNames = present.stream().map(Index::name).toList();
            boolean footprint = presentNames.equals(new ArrayList<>(names.keySet()).subList(0, presentNames.size()));
            boolean failed = state.failed().contains(v.version()) || Journal.upgradeFailedSinceRepair(c, v.version());
            for (Index i : present) {
                boolean leftover = i.buildingPid() == null && (!i.valid() || failed || footprint);
                out.add(new Index(i.version(), i.name(), i.table(), i.valid(), i.buildingPid(), leftover));
            }
        }
        return out;
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
