package com.alphapulse.db.verification.internal;

import com.alphapulse.db.migrations.CatalogQueries;
import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.migrations.SchemaException;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.verification.VerificationException;
import com.alphapulse.db.verification.VerificationException.Code;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.exception.DataAccessException;

/**
 * The expected state of one version: its catalog as generated into the set's {@code expected/VNNN/*.json}. The
 * version's generated jOOQ types, which come from the same database at build time (the build checks that the two
 * agree: {@code ExpectedStateTest}), are loaded only for what needs their column order, a missing table's message,
 * and checked against the catalog then; a {@code verify} or {@code status} that finds the tables loads none of them.
 */
final class ExpectedState {

    // Kept on the set itself (MigrationSet.derived): as long as the set lives, and never shared between sets.
    private record Key(String what, int version) {}

    private final SchemaVersion version;
    private final Catalog catalog;
    /** Per table its columns in the catalog's order (by name), for what needs them as a set. */
    private final Map<String, List<String>> columns;

    private ExpectedState(SchemaVersion version, Catalog catalog, Map<String, List<String>> columns) {
        this.version = version;
        this.catalog = catalog;
        this.columns = columns;
    }

    /** The expected state of {@code version}, parsed once per JVM. */
    static ExpectedState of(SchemaVersion version) {
        return version.set().derived(new Key("expected", version.number()), () -> load(version));
    }

    private static ExpectedState load(SchemaVersion version) {
        Map<String, List<Map<String, String>>> results = new LinkedHashMap<>();
        try {
            for (String q : CatalogQueries.NAMES) {
                results.put(q, version.expectedCatalog(q));
            }
        } catch (SchemaException | IllegalArgumentException e) {
            throw new VerificationException(Code.EXPECTED_STATE_INVALID,
                    "cannot read the expected state of version " + version.label() + ": " + e.getMessage(), e);
        }
        Catalog catalog = Catalog.of(results);
        Map<String, List<String>> columns = new TreeMap<>();
        for (String table : catalog.tables()) {
            columns.put(table, catalog.ofTable(Catalog.COLUMNS, table).stream().map(r -> r.name()).toList());
        }
        return new ExpectedState(version, catalog, Collections.unmodifiableMap(columns));
    }

    /**
     * Per table the columns in the order the version's jOOQ types declare them (the tables' own order), checked
     * against the catalog; empty for a set without compiled types (one read from a directory). Loaded on first use.
     */
    private Optional<Map<String, List<String>>> typedColumns() {
        return version.set().derived(new Key("typed", version.number()), () -> {
            Optional<Map<String, List<String>>> jooq = Types.columns(version);
            jooq.ifPresent(columns -> crossCheck(version, catalog, columns));
            return jooq;
        });
    }

    /** The jOOQ types, in a class of their own so that nothing of jOOQ is loaded before they are asked for. */
    private static final class Types {

        private Types() {}

        static Optional<Map<String, List<String>>> columns(SchemaVersion version) {
            Map<String, List<String>> jooq = new TreeMap<>();
            try {
                var schema = version.jooqSchema();
                if (schema.isEmpty()) {
                    return Optional.empty();
                }
                for (Table<?> t : schema.get().getTables()) {
                    jooq.put(t.getName(), Arrays.stream(t.fields()).map(Field::getName).toList());
                }
            } catch (SchemaException | DataAccessException | IllegalArgumentException e) {
                throw new VerificationException(Code.EXPECTED_STATE_INVALID,
                        "cannot read the jOOQ types of version " + version.label() + ": " + e.getMessage(), e);
            }
            return Optional.of(Collections.unmodifiableMap(jooq));
        }
    }

    private static void crossCheck(SchemaVersion version, Catalog catalog, Map<String, List<String>> jooq) {
        if (!catalog.tables().equals(jooq.keySet())) {
            throw new VerificationException(Code.EXPECTED_STATE_INVALID, "version " + version.label()
                    + ": the expected catalog has tables " + catalog.tables() + " but the jOOQ types have "
                    + jooq.keySet());
        }
        for (Map.Entry<String, List<String>> t : jooq.entrySet()) {
            Set<String> expected = new TreeSet<>();
            catalog.ofTable(Catalog.COLUMNS, t.getKey()).forEach(r -> expected.add(r.name()));
            if (!expected.equals(new TreeSet<>(t.getValue()))) {
                throw new VerificationException(Code.EXPECTED_STATE_INVALID, "version " + version.label()
                        + ": table " + t.getKey() + " has columns " + expected + " in the expected catalog but "
                        + t.getValue() + " in the jOOQ types");
            }
        }
    }

    /**
     * Per table, the columns that exist at some but not all of the versions that have the table - those a
     * migration adds or drops (tenant_id). Computed from the expected state of every version of the set.
     */
    static Map<String, Set<String>> varyingColumns(MigrationSet set) {
        return set.derived(new Key("varying", 0), () -> computeVarying(set));
    }

    private static Map<String, Set<String>> computeVarying(MigrationSet set) {
        Map<String, Set<String>> v;
        {
            Map<String, Set<String>> union = new HashMap<>();
            Map<String, Set<String>> intersection = new HashMap<>();
            for (SchemaVersion version : set.versions()) {
                of(version).columns.forEach((table, columns) -> {
                    union.computeIfAbsent(table, k -> new TreeSet<>()).addAll(columns);
                    intersection.merge(table, new TreeSet<>(columns), (a, b) -> {
                        a.retainAll(b);
                        return a;
                    });
                });
            }
            Map<String, Set<String>> result = new TreeMap<>();
            union.forEach((table, all) -> {
                Set<String> diff = new TreeSet<>(all);
                diff.removeAll(intersection.get(table));
                result.put(table, Collections.unmodifiableSet(diff));
            });
            v = Collections.unmodifiableMap(result);
        }
        return v;
    }

    SchemaVersion version() {
        return version;
    }

    Catalog catalog() {
        return catalog;
    }

    /**
     * The columns of {@code table} at this version, in the order the jOOQ type declares them (the catalog's,
     * by name, for a set without types).
     */
    List<String> columnsOf(String table) {
        return typedColumns().orElse(columns).getOrDefault(table, List.of());
    }
}
