package com.alphapulse.db.verification.internal;

import static com.alphapulse.db.verification.Finding.ABSENT;
import static com.alphapulse.db.verification.Finding.MISSING;

import com.alphapulse.db.verification.Finding;
import com.alphapulse.db.verification.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares a live catalog with the expected state of one version.
 *
 * <p>Findings are reported per object, the objects of a missing or extra table folded into the one finding
 * for the table. The distance counts every catalog row that is missing, extra or different, folded or not,
 * so that a version missing a whole table is further away than one missing an index.
 */
final class CatalogDiff {

    /** The findings against one version and the distance to it. */
    record Outcome(List<Finding> findings, int distance) {}

    private static final List<String> TABLE_SCOPED =
            List.of(Catalog.COLUMNS, Catalog.INDEXES, Catalog.CONSTRAINTS, Catalog.POLICIES);

    private final ExpectedState expectedState;
    private final Catalog expected;
    private final Catalog live;
    private final List<Finding> findings = new ArrayList<>();
    private final Set<String> missingTables = new HashSet<>();
    private final Set<String> extraTables = new HashSet<>();
    private int distance;

    private CatalogDiff(ExpectedState expectedState, Catalog live) {
        this.expectedState = expectedState;
        this.expected = expectedState.catalog();
        this.live = live;
    }

    /**
     * The differences between {@code live} and {@code expected} in what the catalog queries read: tables and
     * their RLS flags, columns, indexes, constraints, policies and the roles the version requires.
     */
    static Outcome diff(ExpectedState expected, Catalog live) {
        CatalogDiff d = new CatalogDiff(expected, live);
        d.tables();
        d.columns();
        d.indexes();
        d.constraints();
        d.policies();
        d.roles();
        List<Finding> sorted = new ArrayList<>(d.findings);
        sorted.sort(Comparator.comparing(Finding::severity).thenComparing(Finding::object)
                .thenComparing(Finding::objectType));
        return new Outcome(List.copyOf(sorted), d.distance);
    }

    private void error(String type, String object, String expectedText, String actualText, String message) {
        findings.add(new Finding(Severity.ERROR, type, object, expectedText, actualText, message));
    }

    private void warning(String type, String object, String expectedText, String actualText, String message) {
        findings.add(new Finding(Severity.WARNING, type, object, expectedText, actualText, message));
    }

    private void tables() {
        for (Catalog.Row e : expected.all(Catalog.TABLES)) {
            Catalog.Row l = live.row(Catalog.TABLES, e.table(), e.name());
            if (l == null) {
                missingTables.add(e.table());
                distance += 1 + subRows(expected, e.table());
                error(Finding.TABLE, e.table(), "present", MISSING, "table " + e.table() + " is missing (columns "
                        + String.join(", ", expectedState.columnsOf(e.table())) + ")");
                continue;
            }
            if (e.flag("rls_enabled") != l.flag("rls_enabled")) {
                distance++;
                error(Finding.ROW_SECURITY, e.table(), enabled(e.flag("rls_enabled")), enabled(l.flag("rls_enabled")),
                        "row-level security is " + enabled(l.flag("rls_enabled")) + " on " + e.table()
                                + " but should be " + enabled(e.flag("rls_enabled")));
            }
            if (e.flag("rls_forced") != l.flag("rls_forced")) {
                distance++;
                error(Finding.FORCE_ROW_SECURITY, e.table(), forced(e.flag("rls_forced")), forced(l.flag("rls_forced")),
                        "row-level security is " + forced(l.flag("rls_forced")) + " on " + e.table()
                                + " but should be " + forced(e.flag("rls_forced"))
                                + (e.flag("rls_forced") ? ": the table owner bypasses every policy" : ""));
            }
        }
        for (Catalog.Row l : live.all(Catalog.TABLES)) {
            if (expected.row(Catalog.TABLES, l.table(), l.name()) == null) {
                extraTables.add(l.table());
                distance += 1 + subRows(live, l.table());
                warning(Finding.TABLE, l.table(), ABSENT, "present", "table " + l.table()
                        + " is not part of version " + expectedState.version().label());
            }
        }
    }

    private static int subRows(Catalog c, String table) {
        int n = 0;
        for (String q : TABLE_SCOPED) {
            n += c.ofTable(q, table).size();
        }
        return n;
    }

    private static String enabled(boolean on) {
        return on ? "enabled" : "disabled";
    }

    private static String forced(boolean on) {
        return on ? "forced" : "not forced";
    }

    /** Pairs expected and live rows of one query; calls back for missing, extra and matched rows. */
    private interface Pairing {
        void missing(Catalog.Row expectedRow);

        void extra(Catalog.Row liveRow);

        void both(Catalog.Row expectedRow, Catalog.Row liveRow);
    }

    private void pair(String query, Pairing p) {
        for (Catalog.Row e : expected.all(query)) {
            Catalog.Row l = live.rows(query).get(e.key());
            if (l != null) {
                p.both(e, l);
            } else if (!missingTables.contains(e.table())) {
                p.missing(e);
            }
        }
        for (Catalog.Row l : live.all(query)) {
            if (!expected.rows(query).containsKey(l.key()) && !extraTables.contains(l.table())) {
                p.extra(l);
            }
        }
    }

    private void columns() {
        pair(Catalog.COLUMNS, new Pairing() {
            @Override
            public void missing(Catalog.Row e) {
                distance++;
                String object = e.table() + "." + e.name();
                String why = e.name().equals("tenant_id")
                        ? ": rows of " + e.table() + " are not tied to a tenant" : "";
                error(Finding.COLUMN, object, describeColumn(e), MISSING, "column " + object + " is missing" + why);
            }

            @Override
            public void extra(Catalog.Row l) {
                distance++;
                String object = l.table() + "." + l.name();
                warning(Finding.COLUMN, object, ABSENT, describeColumn(l), "column " + object
                        + " is not part of version " + expectedState.version().label());
            }

            @Override
            public void both(Catalog.Row e, Catalog.Row l) {
                List<String> exp = new ArrayList<>();
                List<String> act = new ArrayList<>();
                for (String a : List.of("data_type", "not_null", "default_value", "identity")) {
                    if (!Objects.equals(e.attr(a), l.attr(a))) {
                        exp.add(columnAttribute(a, e.attr(a)));
                        act.add(columnAttribute(a, l.attr(a)));
                    }
                }
                if (exp.isEmpty()) {
                    return;
                }
                distance++;
                String object = e.table() + "." + e.name();
                String message = "column " + object + " is " + String.join(", ", act) + " but should be "
                        + String.join(", ", exp);
                if (e.name().equals("tenant_id") && e.flag("not_null") && !l.flag("not_null")) {
                    message += ": a row can belong to no tenant";
                }
                error(Finding.COLUMN, object, String.join(", ", exp), String.join(", ", act), message);
            }
        });
    }

    private static String describeColumn(Catalog.Row r) {
        List<String> parts = new ArrayList<>();
        for (String a : List.of("data_type", "not_null", "default_value", "identity")) {
            String text = columnAttribute(a, r.attr(a));
            if (!text.isEmpty() && !text.equals("NULL") && !text.equals("no default") && !text.equals("not identity")) {
                parts.add(text);
            }
        }
        return String.join(" ", parts);
    }

    private static String columnAttribute(String attribute, String value) {
        return switch (attribute) {
            case "not_null" -> "true".equals(value) ? "NOT NULL" : "NULL";
            case "default_value" -> value == null ? "no default" : "DEFAULT " + value;
            case "identity" -> value == null || value.isEmpty() ? "not identity" : "GENERATED " + value + " AS IDENTITY";
            default -> String.valueOf(value);
        };
    }

    private void indexes() {
        Map<String, Catalog.Row> missing = new LinkedHashMap<>();
        Map<String, Catalog.Row> extra = new LinkedHashMap<>();
        pair(Catalog.INDEXES, new Pairing() {
            @Override
            public void missing(Catalog.Row e) {
                missing.put(e.key(), e);
            }

            @Override
            public void extra(Catalog.Row l) {
                extra.put(l.key(), l);
            }

            @Override
            public void both(Catalog.Row e, Catalog.Row l) {
                String object = e.table() + "." + e.name();
                if (!Objects.equals(e.attr("definition"), l.attr("definition"))) {
                    distance++;
                    error(Finding.INDEX, object, e.attr("definition"), l.attr("definition"), "index " + e.name()
                            + " on " + e.table() + " differs: columns " + l.attr("columns") + " instead of "
                            + e.attr("columns"));
                } else if (e.flag("valid") && !l.flag("valid")) {
                    distance++;
                }
            }
        });
        for (Catalog.Row e : missing.values()) {
            Catalog.Row renamed = extra.values().stream()
                    .filter(l -> l.table().equals(e.table())
                            && withoutName(l).equals(withoutName(e)))
                    .findFirst().orElse(null);
            String object = e.table() + "." + e.name();
            if (renamed != null) {
                extra.remove(renamed.key());
                distance += 2;
                error(Finding.INDEX, object, e.name(), renamed.name(), "index " + e.name() + " on " + e.table()
                        + " exists under the name " + renamed.name());
            } else {
                distance++;
                error(Finding.INDEX, object, e.attr("definition"), MISSING, "index " + e.name() + " on " + e.table()
                        + " " + e.attr("columns") + " is missing");
            }
        }
        for (Catalog.Row l : extra.values()) {
            distance++;
            warning(Finding.INDEX, l.table() + "." + l.name(), ABSENT, l.attr("definition"), "index " + l.name()
                    + " on " + l.table() + " is not part of version " + expectedState.version().label());
        }
        // Whatever the version expects, an invalid index (an interrupted CREATE INDEX CONCURRENTLY) is broken.
        for (Catalog.Row l : live.all(Catalog.INDEXES)) {
            if (!l.flag("valid")) {
                error(Finding.INDEX, l.table() + "." + l.name(), "valid", "INVALID", "index " + l.name() + " on "
                        + l.table() + " is INVALID: its build was interrupted; drop and recreate it");
            }
        }
    }

    private static String withoutName(Catalog.Row index) {
        String def = String.valueOf(index.attr("definition"));
        return def.replaceFirst("INDEX \\S+ ON ", "INDEX ON ");
    }

    private void constraints() {
        pair(Catalog.CONSTRAINTS, new Pairing() {
            @Override
            public void missing(Catalog.Row e) {
                distance++;
                String type = constraintType(e);
                error(type, e.table() + "." + e.name(), e.attr("definition"), MISSING, type + " " + e.name() + " on "
                        + e.table() + " (" + e.attr("definition") + ") is missing");
            }

            @Override
            public void extra(Catalog.Row l) {
                distance++;
                String type = constraintType(l);
                warning(type, l.table() + "." + l.name(), ABSENT, l.attr("definition"), type + " " + l.name() + " on "
                        + l.table() + " is not part of version " + expectedState.version().label());
            }

            @Override
            public void both(Catalog.Row e, Catalog.Row l) {
                if (Objects.equals(e.attr("constraint_type"), l.attr("constraint_type"))
                        && Objects.equals(e.attr("definition"), l.attr("definition"))
                        && Objects.equals(e.attr("referenced_table"), l.attr("referenced_table"))) {
                    return;
                }
                distance++;
                String type = constraintType(e);
                error(type, e.table() + "." + e.name(), e.attr("definition"), l.attr("definition"), type + " "
                        + e.name() + " on " + e.table() + " is " + l.attr("definition") + " but should be "
                        + e.attr("definition"));
            }
        });
    }

    private static String constraintType(Catalog.Row r) {
        return switch (String.valueOf(r.attr("constraint_type"))) {
            case "PRIMARY KEY" -> Finding.PRIMARY_KEY;
            case "UNIQUE" -> Finding.UNIQUE;
            case "CHECK" -> Finding.CHECK;
            case "FOREIGN KEY" -> Finding.FOREIGN_KEY;
            default -> Finding.CONSTRAINT;
        };
    }

    private void policies() {
        pair(Catalog.POLICIES, new Pairing() {
            @Override
            public void missing(Catalog.Row e) {
                distance++;
                error(Finding.POLICY, e.table() + "." + e.name(), describePolicy(e), MISSING, "policy " + e.name()
                        + " (" + e.attr("command") + ") on " + e.table() + " is missing");
            }

            @Override
            public void extra(Catalog.Row l) {
                distance++;
                String object = l.table() + "." + l.name();
                List<String> open = opensTable(l);
                if (!open.isEmpty()) {
                    error(Finding.POLICY, object, ABSENT, describePolicy(l), "policy " + l.name() + " on " + l.table()
                            + " is not part of version " + expectedState.version().label() + " and is PERMISSIVE "
                            + "without a tenant_id comparison in its " + String.join(" and ", open) + ": permissive "
                            + "policies are OR-ed, so it opens " + l.table() + " to every tenant");
                    return;
                }
                warning(Finding.POLICY, object, ABSENT, describePolicy(l), "policy " + l.name()
                        + " on " + l.table() + " is not part of version " + expectedState.version().label());
            }

            @Override
            public void both(Catalog.Row e, Catalog.Row l) {
                List<String> exp = new ArrayList<>();
                List<String> act = new ArrayList<>();
                for (String a : List.of("permissive", "command", "roles", "using_expression", "check_expression")) {
                    if (!Objects.equals(e.attr(a), l.attr(a))) {
                        exp.add(policyAttribute(a, e.attr(a)));
                        act.add(policyAttribute(a, l.attr(a)));
                    }
                }
                if (exp.isEmpty()) {
                    return;
                }
                distance++;
                error(Finding.POLICY, e.table() + "." + e.name(), String.join(" ", exp), String.join(" ", act),
                        "policy " + e.name() + " on " + e.table() + " has " + String.join(" ", act)
                                + " instead of " + String.join(" ", exp));
            }
        });
    }

    /**
     * The clauses in which an extra policy lets rows of other tenants through, when it is permissive on a table
     * with row-level security enabled; empty otherwise (a restrictive policy can only narrow what is visible).
     */
    private List<String> opensTable(Catalog.Row policy) {
        Catalog.Row table = live.row(Catalog.TABLES, policy.table(), policy.table());
        if (table == null || !table.flag("rls_enabled") || !"PERMISSIVE".equals(policy.attr("permissive"))) {
            return List.of();
        }
        return TenantPredicate.unconfinedClauses(policy.attr("command"), policy.attr("using_expression"),
                policy.attr("check_expression"));
    }

    private static String describePolicy(Catalog.Row r) {
        List<String> parts = new ArrayList<>();
        for (String a : List.of("permissive", "command", "roles", "using_expression", "check_expression")) {
            String v = r.attr(a);
            if (v != null && !v.isEmpty()) {
                parts.add(policyAttribute(a, v));
            }
        }
        return String.join(" ", parts);
    }

    private static String policyAttribute(String attribute, String value) {
        String v = value == null ? "" : value;
        return switch (attribute) {
            case "permissive" -> v.isEmpty() ? "" : "AS " + v;
            case "command" -> "FOR " + v;
            case "roles" -> "TO " + v;
            case "using_expression" -> v.isEmpty() ? "no USING" : "USING " + v;
            case "check_expression" -> v.isEmpty() ? "no WITH CHECK" : "WITH CHECK " + v;
            default -> v;
        };
    }

    private void roles() {
        // Roles are cluster-wide: only the roles this version requires are looked at, never extra ones.
        for (Catalog.Row e : expected.all(Catalog.ROLES)) {
            Catalog.Row l = live.rows(Catalog.ROLES).get(e.key());
            if (l == null) {
                distance++;
                error(Finding.ROLE, e.name(), describeRole(e), MISSING, "role " + e.name() + " is missing");
                continue;
            }
            if (!describeRole(e).equals(describeRole(l))) {
                distance++;
                error(Finding.ROLE, e.name(), describeRole(e), describeRole(l), "role " + e.name() + " is "
                        + describeRole(l) + " but should be " + describeRole(e));
            }
        }
    }

    private static String describeRole(Catalog.Row r) {
        return (r.flag("can_login") ? "LOGIN" : "NOLOGIN") + " " + (r.flag("bypass_rls") ? "BYPASSRLS" : "NOBYPASSRLS")
                + " " + (r.flag("superuser") ? "SUPERUSER" : "NOSUPERUSER");
    }
}
