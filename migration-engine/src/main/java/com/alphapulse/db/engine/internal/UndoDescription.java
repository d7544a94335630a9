package com.alphapulse.db.engine.internal;

import com.alphapulse.db.engine.DescribeUndoResult;
import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.MigrationException.Code;
import com.alphapulse.db.engine.Risk;
import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.migrations.Version;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * What an undo script does, from its statements ({@link Script}) and the expected catalogs alone, without a
 * database: the runbook's per-version facts. {@link Planner} says the same on live data, with counts.
 */
public final class UndoDescription {

    private static final String ID = "(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$.]*)";
    private static final java.util.regex.Pattern ALTER_POLICY = java.util.regex.Pattern.compile("^ALTER\\s+POLICY\\b",
            java.util.regex.Pattern.CASE_INSENSITIVE);
    private static final java.util.regex.Pattern DROP_DEFAULT = java.util.regex.Pattern.compile("^ALTER\\s+TABLE\\s+(?:ONLY\\s+)?"
            + ID + "\\s+ALTER\\s+(?:COLUMN\\s+)?" + ID + "\\s+DROP\\s+DEFAULT\\b", java.util.regex.Pattern.CASE_INSENSITIVE);
    private static final java.util.regex.Pattern DROP_FUNCTION = java.util.regex.Pattern.compile(
            "^DROP\\s+FUNCTION\\s+(?:IF\\s+EXISTS\\s+)?" + ID, java.util.regex.Pattern.CASE_INSENSITIVE);

    private UndoDescription() {}

    /** The undo of {@code version} of {@code set}. */
    public static DescribeUndoResult describe(MigrationSet set, Version version) {
        SchemaVersion v = set.get(version).orElseThrow(() -> new MigrationException(Code.UNKNOWN_VERSION,
                "version " + version.label() + " is not in this migration set; known versions: " + set.labels()));
        Analysis a = analyse(v);
        return new DescribeUndoResult(v.version(), a.risk(), a.archived(), a.actions(), a.losses(), a.locks(),
                Planner.securityWarnings(set, v.version(), set.previous(v.version())));
    }

    private record Analysis(Risk risk, boolean archived, List<String> actions, List<String> losses, List<String> locks) {}

    private static Analysis analyse(SchemaVersion v) {
        Risk risk = Risk.NONE;
        boolean covered = true;
        Set<String> actions = new LinkedHashSet<>();
        List<String> losses = new ArrayList<>();
        Set<String> locks = new LinkedHashSet<>();
        Set<String> dropped = new LinkedHashSet<>();
        Set<String> referenced = new LinkedHashSet<>();
        List<Record> foreignKeys = foreignKeys(v);
        int policies = 0;
        int indexes = 0;
        List<Script.Statement> statements = Script.parse(v.undoSql());
        // A table the undo drops whole is archived whole first: what other statements do to it is covered too.
        Set<String> droppedWhole = new LinkedHashSet<>();
        statements.forEach(st -> st.effects().stream().filter(e -> e.kind() == Script.Kind.DROP_TABLE)
                .forEach(e -> droppedWhole.add(e.table())));
        int alteredPolicies = 0;
        for (Script.Statement st : statements) {
            // Catalog-only statements the effect scan has no kind for, named so that the runbook says what the undo does.
            if (ALTER_POLICY.matcher(st.display()).find()) {
                alteredPolicies++;
            }
            java.util.regex.Matcher m = DROP_DEFAULT.matcher(st.display());
            if (m.find()) {
                actions.add("drops the default of " + Script.name(m.group(1)) + "." + Script.name(m.group(2)));
            }
            if ((m = DROP_FUNCTION.matcher(st.display())).find()) {
                actions.add("drops function " + Script.name(m.group(1)));
            }
            for (Script.Effect e : st.effects()) {
                switch (e.kind()) {
                    case DROP_TABLE -> {
                        dropped.add(e.table());
                        // Dropping a table drops its foreign keys, which takes ACCESS EXCLUSIVE on the tables they reference.
                        foreignKeys.stream().filter(fk -> e.table().equals(fk.get(0, String.class)))
                                .forEach(fk -> referenced.add(fk.get(4, String.class)));
                        risk = risk.max(Risk.HIGH);
                        losses.add("every row of " + e.table());
                        // every dropped table is archived whole
                        actions.add("drops table " + e.table());
                    }
                    case DROP_COLUMN -> {
                        risk = risk.max(Risk.MEDIUM);
                        losses.add(e.table() + "." + e.name());
                        // archived by primary key, so only on a table that has one (not including the column)
                        covered &= droppedWhole.contains(e.table()) || primaryKeyWithout(v, e.table(), e.name());
                        actions.add("drops column " + e.table() + "." + e.name());
                    }
                    case ALTER_COLUMN_TYPE -> {
                        risk = risk.max(Risk.MEDIUM);
                        losses.add(e.table() + "." + e.name() + " (type change)");
                        covered &= droppedWhole.contains(e.table());
                        actions.add("changes the type of " + e.table() + "." + e.name());
                    }
                    case DELETE_ROWS, TRUNCATE -> {
                        risk = risk.max(Risk.HIGH);
                        losses.add("rows of " + e.table() + " (" + (e.kind() == Script.Kind.TRUNCATE ? "TRUNCATE" : "DELETE") + ")");
                        covered &= droppedWhole.contains(e.table());
                        actions.add((e.kind() == Script.Kind.TRUNCATE ? "empties " : "deletes rows of ") + e.table());
                    }
                    case UPDATE_ROWS -> {
                        risk = risk.max(Risk.MEDIUM);
                        losses.add("values of " + e.table() + " (UPDATE)");
                        covered &= droppedWhole.contains(e.table());
                        actions.add("updates rows of " + e.table());
                    }
                    case UNKNOWN -> {
                        risk = risk.max(Risk.MEDIUM);
                        losses.add("cannot tell what this statement drops (" + e.name() + ")");
                        covered = false;
                    }
                    case DROP_POLICY -> policies++;
                    case DROP_INDEX -> indexes++;
                    case ROW_SECURITY -> actions.add("turns row-level security off on " + e.table());
                    case DROP_CONSTRAINT -> {
                        actions.add("drops constraint " + e.name() + " on " + e.table());
                        foreignKeys.stream().filter(fk -> e.table().equals(fk.get(0, String.class)) && e.name().equals(fk.get(1, String.class)))
                                .forEach(fk -> referenced.add(fk.get(4, String.class)));
                    }
                    case ADD_UNIQUE -> actions.add("restores unique " + e.name() + " " + e.columns() + " on " + e.table());
                    case ADD_FOREIGN_KEY -> actions.add("restores foreign key " + e.name() + " on " + e.table() + " to "
                            + e.columns().get(0));
                    case DROP_ROLE -> actions.add("drops role " + e.table() + " when no other database uses it");
                    default -> { }
                }
                if (e.lockMode() != null && e.table() != null && e.kind() != Script.Kind.DROP_INDEX
                        && e.kind() != Script.Kind.DROP_ROLE && e.kind() != Script.Kind.CREATE_ROLE) {
                    locks.add(e.lockMode() + " on " + e.table());
                }
            }
        }
        referenced.removeAll(dropped);
        for (String table : referenced) {
            String lock = Script.ACCESS_EXCLUSIVE + " on " + table;
            if (!locks.contains(lock)) {
                locks.add(lock + " (its foreign keys from the tables above are dropped, which removes its RI triggers)");
            }
        }
        if (policies > 0) {
            actions.add("drops " + policies + " row-level security policies");
        }
        if (alteredPolicies > 0) {
            actions.add("rewrites the expressions of " + alteredPolicies + " row-level security policies");
        }
        if (indexes > 0) {
            actions.add("drops " + indexes + " indexes");
            locks.add(Script.ACCESS_EXCLUSIVE + " on each indexed table");
        }
        return new Analysis(risk, !losses.isEmpty() && covered, List.copyOf(actions), losses, List.copyOf(locks));
    }

    /** Whether {@code table} has a primary key at {@code v} that does not include {@code column}. */
    private static boolean primaryKeyWithout(SchemaVersion v, String table, String column) {
        return DSL.using(SQLDialect.POSTGRES).fetchFromJSON(v.expectedCatalogJson("constraints")).stream()
                .anyMatch(r -> table.equals(r.get(0, String.class)) && "PRIMARY KEY".equals(r.get(2, String.class))
                        && !java.util.regex.Pattern.compile("\\b" + java.util.regex.Pattern.quote(column) + "\\b")
                                .matcher(String.valueOf(r.get(3, String.class))).find());
    }

    /** The foreign keys at version {@code v}: table, name, type, definition, referenced table. */
    private static List<Record> foreignKeys(SchemaVersion v) {
        return DSL.using(SQLDialect.POSTGRES).fetchFromJSON(v.expectedCatalogJson("constraints")).stream()
                .filter(r -> "FOREIGN KEY".equals(r.get(2, String.class))).map(r -> (Record) r).toList();
    }
}
