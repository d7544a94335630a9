package com.alphapulse.db.engine.internal;

import com.alphapulse.db.migrations.SchemaVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The objects outside the undo scripts that depend on what they drop: views and materialized views reading a
 * dropped table or column, and foreign keys of other tables referencing one. The undo scripts drop without
 * CASCADE on purpose (an unexpected dependent must stop the undo, not vanish with it), so PostgreSQL would
 * refuse such a drop; in a downgrade over several versions that happens after the newer versions were
 * already undone and committed, and the database is left half-way. Finding them while planning refuses the
 * whole downgrade before anything changes.
 *
 * <p>One instance follows one plan, statement by statement in the order they would run: what the plan's
 * own statements drop before (a foreign key, the child table holding it, a column it is on, a view) is
 * remembered and never reported, because by the time of the drop it is gone.
 */
final class Dependents {

    private static final String ID = "(?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)";
    private static final String QN = "(?:" + ID + "\\s*\\.\\s*)?" + ID;
    private static final Pattern DROP_VIEW = Pattern.compile("\\bDROP\\s+(?:MATERIALIZED\\s+)?VIEW\\s+(?:IF\\s+EXISTS\\s+)?("
            + QN + "(?:\\s*,\\s*" + QN + ")*)", Pattern.CASE_INSENSITIVE);
    /** A DROP TABLE clause ending in CASCADE: its tables' dependents go with them. */
    private static final Pattern TABLE_CASCADE = Pattern.compile("\\bDROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(" + QN
            + "(?:\\s*,\\s*" + QN + ")*)\\s+CASCADE\\b", Pattern.CASE_INSENSITIVE);
    /** An ALTER TABLE's DROP [COLUMN] clause ending in CASCADE (an ON DELETE CASCADE elsewhere in the statement is not one). */
    private static final Pattern COLUMN_CASCADE = Pattern.compile("\\bDROP\\s+(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?(" + ID
            + ")\\s+CASCADE\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern DROP_TRIGGER = Pattern.compile("\\bDROP\\s+TRIGGER\\s+(?:IF\\s+EXISTS\\s+)?(" + ID + ")\\s+ON\\s+("
            + QN + ")", Pattern.CASE_INSENSITIVE);
    private static final Pattern DROP_FUNCTION = Pattern.compile("\\bDROP\\s+(?:FUNCTION|PROCEDURE|ROUTINE)\\s+(?:IF\\s+EXISTS\\s+)?("
            + QN + "(?:\\s*(?:\\([^)]*\\))?\\s*,\\s*" + QN + ")*)", Pattern.CASE_INSENSITIVE);

    /** A table column, by oid and attribute number. */
    private record Column(long table, int attnum) {}

    private final Set<Long> droppedTables = new HashSet<>();
    private final Set<Column> droppedColumns = new HashSet<>();
    private final Set<Long> droppedConstraints = new HashSet<>();
    private final Set<Long> droppedViews = new HashSet<>();
    /** Policies, triggers and functions the plan drops itself, by pg_policy, pg_trigger and pg_proc oid. */
    private final Set<Long> droppedOthers = new HashSet<>();

    /**
     * The blockers of {@code st} (a statement of the undo of {@code v}): one per table or column it drops that
     * something not dropped before still depends on, naming each dependent. Then remembers what {@code st} drops.
     */
    List<String> blockers(Connection c, SchemaVersion v, Script.Statement st) throws SQLException {
        String scan = Script.strip(st.sql(), true);
        // What the statement drops itself goes first: "DROP TABLE a, b" drops a foreign key of b to a together
        // with a, and "ALTER TABLE t DROP CONSTRAINT fk, DROP COLUMN x" the key before the column.
        Matcher m = DROP_VIEW.matcher(scan);
        while (m.find()) {
            for (String view : m.group(1).split("\\s*,\\s*")) {
                Long oid = oid(c, Script.name(view), "('v', 'm')");
                if (oid != null) {
                    droppedViews.add(oid);
                }
            }
        }
        m = DROP_TRIGGER.matcher(scan);
        while (m.find()) {
            Object oid = Sql.value(c, "SELECT oid::bigint FROM pg_catalog.pg_trigger WHERE tgrelid = to_regclass(?) "
                    + "AND tgname = ?", Catalog.regclass(Script.name(m.group(2))), Script.name(m.group(1)));
            if (oid != null) {
                droppedOthers.add(((Number) oid).longValue());
            }
        }
        m = DROP_FUNCTION.matcher(scan);
        while (m.find()) {
            for (String fn : m.group(1).replaceAll("\\([^)]*\\)", "").split("\\s*,\\s*")) {
                String name = Script.name(fn);
                String schema = name.contains(".") ? name.substring(0, name.indexOf('.')) : "public";
                String proname = name.contains(".") ? name.substring(name.indexOf('.') + 1) : name;
                // Every overload of the name: the plan is textual, an approximation on the safe side of silence.
                for (Object[] r : Sql.rows(c, "SELECT p.oid::bigint FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n "
                        + "ON n.oid = p.pronamespace WHERE n.nspname = ? AND p.proname = ?", schema, proname)) {
                    droppedOthers.add(Sql.bigint(r[0]));
                }
            }
        }
        Set<String> cascadedTables = new HashSet<>();
        m = TABLE_CASCADE.matcher(scan);
        while (m.find()) {
            for (String table : m.group(1).split("\\s*,\\s*")) {
                cascadedTables.add(Script.name(table));
            }
        }
        Set<String> cascadedColumns = new HashSet<>();
        m = COLUMN_CASCADE.matcher(scan);
        while (m.find()) {
            cascadedColumns.add(Script.name(m.group(1)));
        }
        List<Long> tables = new ArrayList<>(); // per DROP_TABLE effect, null when there is no such table
        for (Script.Effect e : st.effects()) {
            if (e.kind() == Script.Kind.DROP_POLICY) {
                Object oid = Sql.value(c, "SELECT oid::bigint FROM pg_catalog.pg_policy WHERE polrelid = to_regclass(?) "
                        + "AND polname = ?", Catalog.regclass(e.table()), e.name());
                if (oid != null) {
                    droppedOthers.add(((Number) oid).longValue());
                }
            } else if (e.kind() == Script.Kind.DROP_CONSTRAINT) {
                Object oid = Sql.value(c, "SELECT oid::bigint FROM pg_catalog.pg_constraint WHERE conrelid = "
                        + "to_regclass(?) AND conname = ?", Catalog.regclass(e.table()), e.name());
                if (oid != null) {
                    droppedConstraints.add(((Number) oid).longValue());
                }
            } else if (e.kind() == Script.Kind.DROP_TABLE) {
                Long oid = oid(c, e.table(), "('r', 'p')");
                tables.add(oid);
                if (oid != null) {
                    droppedTables.add(oid);
                }
            }
        }
        // A drop with CASCADE takes its dependents along: nothing would refuse it. Only the DROP clause's own CASCADE
        // counts, not an ON DELETE CASCADE of an ADD clause or a CASCADE elsewhere in a DO block.
        List<String> out = new ArrayList<>();
        int t = 0;
        for (Script.Effect e : st.effects()) {
            if (e.kind() == Script.Kind.DROP_TABLE) {
                Long oid = tables.get(t++);
                if (oid != null && !cascadedTables.contains(e.table())) {
                    blocker(v, "table " + e.table(), dependents(c, oid, null)).ifPresent(out::add);
                }
            } else if (e.kind() == Script.Kind.DROP_COLUMN) {
                Object[] col = Sql.row(c, "SELECT attrelid::bigint, attnum::int FROM pg_catalog.pg_attribute "
                        + "WHERE attrelid = to_regclass(?) AND attname = ? AND attnum > 0 AND NOT attisdropped",
                        Catalog.regclass(e.table()), e.name());
                if (col == null) {
                    continue;
                }
                Column dropped = new Column(Sql.bigint(col[0]), Sql.integer(col[1]));
                if (!cascadedColumns.contains(e.name())) {
                    blocker(v, "column " + e.table() + "." + e.name(), dependents(c, dropped.table(), dropped.attnum()))
                            .ifPresent(out::add);
                }
                droppedColumns.add(dropped);
            }
        }
        return out;
    }

    private static java.util.Optional<String> blocker(SchemaVersion v, String what, List<String> dependents) {
        if (dependents.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("undo of " + v.label() + " drops " + what + ", but " + String.join(", ", dependents)
                + (dependents.size() == 1 ? " depends" : " depend") + " on it, and the undo does not drop "
                + (dependents.size() == 1 ? "it" : "them") + "; drop or change " + (dependents.size() == 1 ? "it" : "them")
                + " before rolling back " + v.label() + " (PostgreSQL would refuse the drop part-way through the downgrade)");
    }

    /**
     * The views, materialized views and other tables' foreign keys that depend on table {@code table}, or on
     * its column {@code attnum} when given, and are not dropped before: "view public.x", "foreign key fk on
     * public.y". A view's dependency is its rewrite rule's, recorded per column in pg_depend (refobjsubid),
     * so a view that does not read the dropped column is not reported.
     */
    private List<String> dependents(Connection c, long table, Integer attnum) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        String column = attnum == null ? "" : " AND d.refobjsubid = " + attnum;
        for (Object[] r : Sql.rows(c, "SELECT DISTINCT v.oid::bigint, n.nspname::text, v.relname::text, v.relkind::text "
                + "FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_rewrite w ON w.oid = d.objid "
                + "JOIN pg_catalog.pg_class v ON v.oid = w.ev_class JOIN pg_catalog.pg_namespace n ON n.oid = v.relnamespace "
                + "WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass "
                + "AND d.refobjid = ?::oid AND v.oid <> d.refobjid" + column + " ORDER BY 2, 3", table)) {
            if (!droppedViews.contains(Sql.bigint(r[0]))) {
                out.add(("m".equals(r[3]) ? "materialized view " : "view ") + r[1] + "." + r[2]);
            }
        }
        String referenced = attnum == null ? "" : " AND " + attnum + " = ANY (k.confkey)";
        for (Object[] r : Sql.rows(c, "SELECT k.oid::bigint, k.conname::text, n.nspname::text, t.relname::text, k.conrelid::bigint, "
                + "k.conkey::int[] FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class t ON t.oid = k.conrelid "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace "
                + "WHERE k.contype = 'f' AND k.confrelid = ?::oid AND k.conrelid <> k.confrelid" + referenced
                + " ORDER BY 3, 4, 2", table)) {
            long child = Sql.bigint(r[4]);
            Integer[] keys = r[5] == null ? null : (Integer[]) ((java.sql.Array) r[5]).getArray();
            boolean gone = droppedConstraints.contains(Sql.bigint(r[0])) || droppedTables.contains(child);
            for (int i = 0; !gone && keys != null && i < keys.length; i++) {
                gone = droppedColumns.contains(new Column(child, keys[i]));
            }
            if (!gone) {
                out.add("foreign key " + r[1] + " on " + r[2] + "." + r[3]);
            }
        }
        // Other objects recorded in pg_depend: a generated column reading the column (same table; recorded on the
        // column or on its pg_attrdef entry, depending on the PostgreSQL version), a policy reading the
        // table or column (a policy of the table itself only for a column: it goes with its table), a trigger on the
        // column (UPDATE OF, WHEN), a SQL-body function reading either, a column or function of the table's row type.
        String same = attnum == null
                ? " AND NOT (d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = ?::oid)"
                        + " AND NOT (d.classid = 'pg_catalog.pg_policy'::regclass AND EXISTS (SELECT 1 FROM pg_catalog.pg_policy p "
                        + "WHERE p.oid = d.objid AND p.polrelid = ?::oid))"
                        + " AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND EXISTS (SELECT 1 FROM pg_catalog.pg_trigger g "
                        + "WHERE g.oid = d.objid AND g.tgrelid = ?::oid))"
                : " AND NOT (d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = ?::oid AND d.objsubid = " + attnum + ")"
                        + " AND ?::oid IS NOT NULL AND ?::oid IS NOT NULL";
        String ref = attnum == null
                ? "((d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = ?::oid) OR (d.refclassid = "
                        + "'pg_catalog.pg_type'::regclass AND d.refobjid = (SELECT reltype FROM pg_catalog.pg_class WHERE oid = ?::oid)))"
                : "(d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = ?::oid AND d.refobjsubid = " + attnum
                        + " AND ?::oid IS NOT NULL)";
        for (Object[] r : Sql.rows(c, "SELECT DISTINCT d.classid::regclass::text, d.objid::bigint, d.objsubid, "
                + "pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid) FROM (SELECT coalesce(ad.cls, x.classid) AS classid, "
                + "coalesce(ad.adrelid, x.objid) AS objid, coalesce(ad.adnum::int, x.objsubid) AS objsubid, x.refclassid, x.refobjid, "
                + "x.refobjsubid, x.deptype FROM pg_catalog.pg_depend x LEFT JOIN LATERAL (SELECT 'pg_catalog.pg_class'::regclass AS cls, "
                + "a.adrelid, a.adnum FROM pg_catalog.pg_attrdef a WHERE x.classid = 'pg_catalog.pg_attrdef'::regclass AND a.oid = x.objid) ad "
                + "ON true) d WHERE " + ref
                + " AND (d.deptype = 'n' OR (d.deptype = 'a' AND d.classid = 'pg_catalog.pg_class'::regclass)) AND (d.classid IN ('pg_catalog.pg_policy'::regclass, 'pg_catalog.pg_trigger'::regclass, "
                + "'pg_catalog.pg_proc'::regclass) OR (d.classid = 'pg_catalog.pg_class'::regclass AND d.objsubid > 0))" + same
                // the engine's own delta trigger (an interrupted online archive's) is dropped by the downgrade itself
                + " AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND EXISTS (SELECT 1 FROM pg_catalog.pg_trigger g "
                + "WHERE g.oid = d.objid AND g.tgname = '" + Archive.DELTA_TRIGGER + "'))"
                + " ORDER BY 4", table, table, table, table, table)) {
            String kind = (String) r[0];
            long objid = Sql.bigint(r[1]);
            boolean gone = kind.endsWith("pg_class") ? droppedTables.contains(objid)
                    || droppedColumns.contains(new Column(objid, Sql.integer(r[2]))) : droppedOthers.contains(objid);
            if (!gone) {
                out.add((String) r[3]);
            }
        }
        return List.copyOf(out);
    }

    private static Long oid(Connection c, String name, String relkinds) throws SQLException {
        Object oid = Sql.value(c, "SELECT oid::bigint FROM pg_catalog.pg_class WHERE oid = to_regclass(?) "
                + "AND relkind IN " + relkinds, Catalog.regclass(name));
        return oid == null ? null : ((Number) oid).longValue();
    }
}
