package com.alphapulse.db.verification.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Whether a policy expression, as PostgreSQL prints it ({@code pg_policies.qual} / {@code with_check}),
 * confines rows to the current tenant: its top level is the comparison of tenant_id with
 * {@code current_setting('app.current_tenant_id'…)::uuid} (008) or with {@code alphapulse_current_tenant()}
 * (011, which reads the same setting), or an AND of conditions one of which is that comparison. A top-level OR, a negation, or any other use of tenant_id (IS NOT NULL, a comparison with a
 * constant) does not count: such a policy lets a session reach rows of other tenants.
 */
final class TenantPredicate {

    private static final String SETTING = "current_setting\\('" + Pattern.quote(TenancyRules.TENANT_SETTING)
            + "'::text(?:, (?:true|false))?\\)";
    // From version 011 the policies read the setting through this function, which fails when it is unset.
    private static final String FUNCTION = "(?:public\\.)?" + Pattern.quote(TenancyRules.TENANT_FUNCTION) + "\\(\\)";
    // (current_setting(...))::uuid, or the initplan form ((SELECT current_setting(...) AS current_setting))::uuid;
    // alphapulse_current_tenant(), or its initplan form ( SELECT alphapulse_current_tenant() AS alphapulse_current_tenant).
    private static final String CURRENT_TENANT =
            "\\((?:" + SETTING + "|\\( SELECT " + SETTING + " AS current_setting\\))\\)::uuid"
            + "|" + FUNCTION + "|\\( SELECT " + FUNCTION + " AS " + Pattern.quote(TenancyRules.TENANT_FUNCTION) + "\\)";
    private static final Pattern COMPARISON = Pattern.compile(
            TenancyRules.TENANT_COLUMN + " = (?:" + CURRENT_TENANT + ")|(?:" + CURRENT_TENANT + ") = " + TenancyRules.TENANT_COLUMN);

    private TenantPredicate() {}

    /** True when {@code expression} admits only rows whose tenant_id is the session's tenant. */
    static boolean confinesToTenant(String expression) {
        if (expression == null || expression.isBlank()) {
            return false;
        }
        String e = stripParentheses(expression.strip());
        // PostgreSQL parenthesises every nested boolean operator, so at the top level there are only ANDs or only ORs.
        if (splitTopLevel(e, " OR ").size() > 1) {
            return false;
        }
        for (String conjunct : splitTopLevel(e, " AND ")) {
            if (COMPARISON.matcher(stripParentheses(conjunct.strip())).matches()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The clauses of a policy for {@code command} (SELECT, INSERT, UPDATE, DELETE or ALL) that do not confine
     * rows to the tenant: "USING" and/or "WITH CHECK"; empty when the policy keys on the tenant.
     */
    static List<String> unconfinedClauses(String command, String using, String check) {
        String u = nonEmpty(using);
        // Without WITH CHECK, PostgreSQL checks new rows against USING.
        String c = nonEmpty(check) != null ? nonEmpty(check) : u;
        boolean reads = !"INSERT".equals(command);
        boolean writes = "INSERT".equals(command) || "UPDATE".equals(command) || "ALL".equals(command);
        List<String> clauses = new ArrayList<>();
        if (reads && !confinesToTenant(u)) {
            clauses.add("USING");
        }
        if (writes && !confinesToTenant(c)) {
            clauses.add("WITH CHECK");
        }
        return clauses;
    }

    private static String nonEmpty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** Removes parentheses that enclose the whole expression, as often as they do. */
    static String stripParentheses(String s) {
        String e = s;
        while (e.length() >= 2 && e.charAt(0) == '(' && closingOf(e, 0) == e.length() - 1) {
            e = e.substring(1, e.length() - 1).strip();
        }
        return e;
    }

    /** The index of the parenthesis closing the one at {@code open}, skipping quoted text; -1 if none. */
    private static int closingOf(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\'' || ch == '"') {
                i = endOfQuoted(s, i);
            } else if (ch == '(') {
                depth++;
            } else if (ch == ')' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Splits at {@code separator} where it stands outside parentheses and quoted text. */
    static List<String> splitTopLevel(String s, String separator) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\'' || ch == '"') {
                i = endOfQuoted(s, i);
            } else if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            } else if (depth == 0 && s.startsWith(separator, i)) {
                parts.add(s.substring(from, i));
                from = i + separator.length();
                i = from - 1;
            }
        }
        parts.add(s.substring(from));
        return parts;
    }

    /** The index of the quote closing the literal or identifier opened at {@code start}; doubled quotes escape. */
    private static int endOfQuoted(String s, int start) {
        char quote = s.charAt(start);
        int i = start + 1;
        while (i < s.length()) {
            if (s.charAt(i) == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i;
            }
            i++;
        }
        return s.length() - 1;
    }
}
