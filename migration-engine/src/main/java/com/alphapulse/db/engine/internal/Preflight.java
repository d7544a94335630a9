package com.alphapulse.db.engine.internal;

import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.MigrationException.Code;
import com.alphapulse.db.migrations.RowSecurity;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.migrations.Version;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Checks an upgrade's data before Flyway runs anything: a version that adds a foreign key fails on the rows
 * that break it, and a version that runs outside a transaction (010) would fail half-way, at its VALIDATE. So
 * for every foreign key that a pending version's expected catalog has and the live catalog lacks (or has NOT
 * VALID), the child rows whose key has no parent are counted now, on every tenant's rows, and the upgrade is
 * refused naming them.
 */
final class Preflight {

    /** Sample keys named per constraint: enough to find the rows, short enough for one line. */
    static final int SAMPLES = 5;

    private static final String ID = "(?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)";
    private static final Pattern FOREIGN_KEY = Pattern.compile("^FOREIGN KEY \\(([^)]*)\\) REFERENCES ((?:" + ID
            + "\\.)?" + ID + ")\\(([^)]*)\\)(.*)$", Pattern.DOTALL);

    /** A foreign key of a pending version, as its expected catalog prints it. */
    record ForeignKey(SchemaVersion version, String table, String name, List<String> columns, String parent,
            List<String> parentColumns, boolean matchFull, String definition) {}

    private Preflight() {}

    /**
     * Refuses with {@code PRECONDITION_FAILED}, nothing changed, when rows break a foreign key that a version
     * above {@code current} up to {@code target} adds. Reads only; the reads of tables that row-level security
     * filters run as the bypass role, and a role that cannot switch is refused with 42501.
     */
    static void requireForeignKeysHold(Connection c, EngineSettings s, Version current, Version target) throws SQLException {
        List<String> broken = new ArrayList<>();
        for (ForeignKey fk : added(c, s, current, target)) {
            String found = violations(c, fk);
            if (found != null) {
                broken.add(found);
            }
        }
        if (!broken.isEmpty()) {
            throw new MigrationException(Code.PRECONDITION_FAILED, "upgrade " + current.label() + " -> " + target.label()
                    + " refused before it started: " + String.join("; ", broken) + "; for a (tenant_id, ...) key this "
                    + "means the row's tenant differs from its parent's; correct or delete those rows, then upgrade again; "
                    + "nothing was changed");
        }
    }

    /**
     * The foreign keys the pending versions' expected catalogs have and the live database lacks or has not
     * validated, each under the first version that has it, whose columns and referenced table and columns all
     * exist live. One whose columns do not exist yet is skipped: an earlier pending version adds and fills them
     * (007 adds tenant_id, derives it from the parents or restores the archived values), so the rows cannot be
     * judged before it ran; a row that still breaks the key then stops 010 at its VALIDATE, online, and the
     * upgrade resumes there once the row is fixed.
     */
    static List<ForeignKey> added(Connection c, EngineSettings s, Version current, Version target) throws SQLException {
        List<ForeignKey> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (SchemaVersion v : Targets.between(s.migrations(), current, target)) {
            for (Record r : DSL.using(SQLDialect.POSTGRES).fetchFromJSON(v.expectedCatalogJson("constraints"))) {
                if (!"FOREIGN KEY".equals(r.get("constraint_type", String.class))) {
                    continue;
                }
                String table = r.get("table_name", String.class);
                String name = r.get("name", String.class);
                if (!seen.add(table + "." + name)) {
                    continue;
                }
                Matcher m = FOREIGN_KEY.matcher(r.get("definition", String.class));
                if (!m.matches() || validated(c, table, name)) {
                    continue;
                }
                ForeignKey fk = new ForeignKey(v, table, name, names(m.group(1)), Script.name(m.group(2)),
                        names(m.group(3)), m.group(4).contains("MATCH FULL"), r.get("definition", String.class));
                if (exists(c, fk.table(), fk.columns()) && exists(c, fk.parent(), fk.parentColumns())) {
                    out.add(fk);
                }
            }
        }
        return out;
    }

    /** "version 010 adds ... on trades: 3 row(s) ... (sample id: 4, 9, 12)", or null when every row has its parent. */
    private static String violations(Connection c, ForeignKey fk) throws SQLException {
        List<Field<Object>> child = fk.columns().stream().map(col -> DSL.field(DSL.name("c", col))).toList();
        Condition keyed = DSL.and(child.stream().map(Field::isNotNull).toList());
        Condition checked = fk.matchFull() ? DSL.or(child.stream().map(Field::isNotNull).toList()) : keyed;
        Condition matches = DSL.trueCondition();
        for (int i = 0; i < fk.columns().size(); i++) {
            matches = matches.and(DSL.field(DSL.name("p", fk.parentColumns().get(i))).eq(child.get(i)));
        }
        // MATCH FULL: a key with some NULL columns has no parent by definition; MATCH SIMPLE: it is not checked.
        Condition broken = checked.and(DSL.not(keyed).or(DSL.notExists(DSL.selectOne()
                .from(DSL.table(Catalog.table(fk.parent())).as("p")).where(matches))));
        List<String> key = primaryKey(c, fk.table());
        try (RowSecurity.Switch ignored = RowSecurity.seeEveryTenant(c, List.of(fk.table(), fk.parent()))) {
            long count = Sql.ctx(c).selectCount().from(DSL.table(Catalog.table(fk.table())).as("c")).where(broken)
                    .fetchOne(0, Long.class);
            if (count == 0) {
                return null;
            }
            String samples = "";
            if (!key.isEmpty()) {
                List<Field<Object>> keyFields = key.stream().map(col -> DSL.field(DSL.name("c", col))).toList();
                List<String> found = Sql.ctx(c).select(keyFields).from(DSL.table(Catalog.table(fk.table())).as("c"))
                        .where(broken).orderBy(keyFields).limit(SAMPLES).fetch()
                        .map(r -> key.size() == 1 ? String.valueOf(r.get(0)) : r.intoList().toString());
                samples = " (sample " + String.join(", ", key) + ": " + String.join(", ", found) + ")";
            }
            return "version " + fk.version().label() + " adds " + fk.name() + " " + fk.definition() + " on " + fk.table()
                    + ", but " + Planner.number(count) + " row(s) of " + fk.table() + " have no matching row in "
                    + fk.parent() + samples;
        }
    }

    private static boolean validated(Connection c, String table, String name) throws SQLException {
        return Boolean.TRUE.equals(Sql.ctx(c).fetchValue("SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = "
                + "to_regclass(?) AND conname = ? AND contype = 'f' AND convalidated)", Catalog.regclass(table), name));
    }

    private static boolean exists(Connection c, String table, List<String> columns) throws SQLException {
        if (!Catalog.tableExists(c, table)) {
            return false;
        }
        for (String col : columns) {
            if (!Catalog.columnExists(c, table, col)) {
                return false;
            }
        }
        return true;
    }

    private static List<String> primaryKey(Connection c, String table) throws SQLException {
        return Sql.ctx(c).fetch("SELECT a.attname::text FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY "
                + "AS k(attnum, n) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                + "WHERE i.indrelid = to_regclass(?) AND i.indisprimary ORDER BY k.n", Catalog.regclass(table))
                .getValues(0, String.class);
    }

    private static List<String> names(String list) {
        List<String> out = new ArrayList<>();
        for (String part : list.split(",")) {
            out.add(Script.name(part.trim()));
        }
        return out;
    }
}
