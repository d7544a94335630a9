package com.alphapulse.db.engine.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SQL script split into statements the way PostgreSQL reads it ({@code ;} outside quotes, dollar quotes
 * and comments), and what each statement does to tables: the effects the planner, the archive, the
 * restore callback and repair reason about.
 *
 * <p>The analysis is textual, so it also looks inside {@code DO} blocks (the undo of 006 re-creates
 * {@code uq_users_email} in one); string literals are blanked first so that a message text never counts
 * as a statement.
 */
final class Script {

    /** What a statement does. */
    enum Kind {
        DROP_TABLE, DROP_INDEX, DROP_POLICY, DROP_COLUMN, DROP_CONSTRAINT, ADD_UNIQUE, ADD_FOREIGN_KEY, ADD_COLUMN,
        ROW_SECURITY, ALTER_TABLE, CREATE_TABLE, CREATE_INDEX, LOCK_TABLE, DROP_ROLE, CREATE_ROLE,
        /** {@code ALTER TABLE t ALTER COLUMN c TYPE ...}: converts the values in place, which no archive can undo. */
        ALTER_COLUMN_TYPE,
        /** {@code DELETE FROM t}: rows deleted, not archived. */
        DELETE_ROWS,
        /** {@code UPDATE t SET ...}: values changed in place, not archived. */
        UPDATE_ROWS,
        /** {@code TRUNCATE t}: every row deleted, not archived. */
        TRUNCATE,
        /**
         * A statement whose effect on data cannot be read from its text ({@code name} says why): {@code EXECUTE} of
         * dynamic SQL or of a prepared statement, {@code CALL}, {@code PERFORM}, a {@code DO} block with a statement
         * the engine does not know, {@code DROP OWNED}, {@code DROP SCHEMA|TYPE|DOMAIN|EXTENSION|FUNCTION ... CASCADE}
         * (which drop tables or columns that depend on them). Not given when the statement carries the comment
         * {@value #NO_DATA_MARKER} (checked by hand: it destroys no data).
         */
        UNKNOWN
    }

    /** A comment on a statement declaring, after a human check, that it destroys no data: no UNKNOWN effect. */
    static final String NO_DATA_MARKER = "alphapulse:no-data";

    /**
     * One effect of a statement.
     *
     * @param table the table it acts on (unqualified when in {@code public}); for an index drop the index
     *     name, resolved to its table by the planner; for roles the role
     * @param name the object: column, constraint, index, policy; null when the table itself
     * @param columns the columns of a unique constraint
     * @param lockMode the table lock it takes, null for none
     * @param concurrently for index builds and drops
     */
    record Effect(Kind kind, String table, String name, List<String> columns, String lockMode, boolean concurrently) {}

    /**
     * One statement.
     *
     * @param sql the text as written, comments included (what is executed)
     * @param display comments removed, whitespace collapsed
     * @param effects what it does, in the order the text says it
     * @param engineSetting a {@code SET [LOCAL] lock_timeout|statement_timeout}: the engine owns those and
     *     skips it
     */
    record Statement(String sql, String display, List<Effect> effects, boolean engineSetting) {

        boolean has(Kind kind) {
            return effects.stream().anyMatch(e -> e.kind() == kind);
        }
    }

    static final String ACCESS_EXCLUSIVE = "ACCESS EXCLUSIVE";
    static final String SHARE_ROW_EXCLUSIVE = "SHARE ROW EXCLUSIVE";
    static final String SHARE_UPDATE_EXCLUSIVE = "SHARE UPDATE EXCLUSIVE";
    static final String SHARE = "SHARE";
    static final String ROW_EXCLUSIVE = "ROW EXCLUSIVE";

    private static final String ID = "(?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)";
    private static final String QN = "(?:" + ID + "\\s*\\.\\s*)?" + ID;
    private static final int FLAGS = Pattern.CASE_INSENSITIVE;
    private static final Pattern DOLLAR = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)?\\$");
    private static final Pattern ENGINE_SETTING =
            Pattern.compile("^SET\\s+(?:LOCAL\\s+|SESSION\\s+)?(lock_timeout|statement_timeout)\\b.*", FLAGS);

    private static final Pattern DROP_TABLE = Pattern.compile(
            "\\bDROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(" + QN + "(?:\\s*,\\s*" + QN + ")*)", FLAGS);
    private static final Pattern DROP_INDEX = Pattern.compile(
            "\\bDROP\\s+INDEX\\s+(CONCURRENTLY\\s+)?(?:IF\\s+EXISTS\\s+)?(" + QN + ")", FLAGS);
    private static final Pattern DROP_POLICY = Pattern.compile(
            "\\bDROP\\s+POLICY\\s+(?:IF\\s+EXISTS\\s+)?(" + ID + ")\\s+ON\\s+(" + QN + ")", FLAGS);
    private static final Pattern CREATE_TABLE = Pattern.compile(
            "\\bCREATE\\s+(?:UNLOGGED\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(" + QN + ")", FLAGS);
    // The column list is read only when it is plain columns (no expression, no parentheses inside).
    private static final Pattern CREATE_INDEX = Pattern.compile(
            "\\bCREATE\\s+(UNIQUE\\s+)?INDEX\\s+(CONCURRENTLY\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?(" + ID
                    + ")\\s+ON\\s+(?:ONLY\\s+)?(" + QN + ")(?:\\s*(?:USING\\s+\\w+\\s*)?\\(([^()]*)\\)(?!\\s*\\())?", FLAGS);
    private static final Pattern ALTER_TABLE = Pattern.compile(
            "\\bALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?(" + QN + ")\\s+([^;]*)", FLAGS);
    private static final Pattern LOCK_TABLE = Pattern.compile(
            "\\bLOCK\\s+(?:TABLE\\s+)?(?:ONLY\\s+)?(" + QN + "(?:\\s*,\\s*" + QN + ")*)\\s+IN\\s+((?:ACCESS|ROW|SHARE\\s+UPDATE|SHARE\\s+ROW|SHARE)?"
                    + "\\s*(?:SHARE|EXCLUSIVE))\\s+MODE", FLAGS);
    private static final Pattern DROP_ROLE = Pattern.compile("\\bDROP\\s+ROLE\\s+(?:IF\\s+EXISTS\\s+)?(" + ID + ")", FLAGS);
    private static final Pattern CREATE_ROLE = Pattern.compile("\\bCREATE\\s+ROLE\\s+(" + ID + ")", FLAGS);

    private static final Pattern DELETE_FROM = Pattern.compile("\\bDELETE\\s+FROM\\s+(?:ONLY\\s+)?(" + QN + ")", FLAGS);
    private static final Pattern UPDATE_SET = Pattern.compile(
            "\\bUPDATE\\s+(?:ONLY\\s+)?(?!SET\\b)(" + QN + ")\\s*\\*?\\s+(?:AS\\s+)?(?:(?!SET\\b)" + ID + "\\s+)?SET\\b", FLAGS);
    private static final Pattern TRUNCATE = Pattern.compile(
            "\\bTRUNCATE\\s+(?:TABLE\\s+)?(?:ONLY\\s+)?(?!ON\\b)(" + QN + "(?:\\s*,\\s*" + QN + ")*)", FLAGS);
    private static final Pattern UNREADABLE = Pattern.compile("\\b(EXECUTE|PERFORM|CALL)\\b(?!\\s+(?:FUNCTION|PROCEDURE|ON)\\b)", FLAGS);
    private static final Pattern DROP_CASCADE = Pattern.compile("\\bDROP\\s+(SCHEMA|TYPE|DOMAIN|EXTENSION|FUNCTION|PROCEDURE|ROUTINE|TABLE|VIEW)"
            + "\\b[^;]*?\\bCASCADE\\b", FLAGS);
    private static final Pattern DROP_OWNED = Pattern.compile("\\bDROP\\s+OWNED\\b", FLAGS);
    private static final Pattern MERGE = Pattern.compile("\\bMERGE\\s+INTO\\b", FLAGS);
    /** The exact marker comment, alone on its line. */
    private static final Pattern MARKER = Pattern.compile("(?m)^\\s*--\\s*" + Pattern.quote("alphapulse:no-data") + "\\s*$");
    private static final Pattern SELECT_HEAD = Pattern.compile("^SELECT\\b", FLAGS);
    private static final Pattern CALL_OF = Pattern.compile("\\b([A-Za-z_][A-Za-z0-9_.]*)\\s*\\(");
    /** Functions and keywords a SELECT may use without running code that could change data. */
    private static final java.util.Set<String> HARMLESS = java.util.Set.of("count", "sum", "min", "max", "avg", "coalesce",
            "nullif", "greatest", "least", "lower", "upper", "length", "string_agg", "array_agg", "jsonb_agg", "bool_or",
            "bool_and", "current_setting", "format", "quote_ident", "quote_literal", "to_regclass", "to_regrole", "exists",
            "in", "from", "as", "values", "any", "all", "over", "filter", "cast", "row", "array", "not", "and", "or", "where",
            "on", "join", "using", "select", "having", "by", "when", "then", "else", "is", "into", "with", "now",
            "clock_timestamp", "set_config", "substr", "substring", "trim", "replace", "concat", "to_char", "date_trunc",
            "jsonb_build_object", "to_jsonb", "abs", "round", "floor", "ceil", "extract", "position", "split_part", "md5",
            "random");

    /** A SELECT that calls a function outside {@link #HARMLESS}: it may run code that changes data. */
    private static String callsCode(String select) {
        Matcher m = CALL_OF.matcher(select);
        while (m.find()) {
            String name = m.group(1).toLowerCase(Locale.ROOT);
            String last = name.substring(name.lastIndexOf('.') + 1);
            // pg_* are the server's own functions (pg_sleep, pg_get_*def, pg_advisory_*): none writes table data.
            if (!HARMLESS.contains(last) && !name.startsWith("pg_catalog.") && !last.startsWith("pg_")) {
                return last;
            }
        }
        return null;
    }
    private static final Pattern DO_BLOCK = Pattern.compile("^DO\\b", FLAGS);
    private static final Pattern DO_LANGUAGE = Pattern.compile("\\bLANGUAGE\\s+'?(\\w+)", FLAGS);
    /** PL/pgSQL control flow in front of a statement of a DO block. */
    private static final Pattern PL_PREFIX = Pattern.compile("^(?:<<\\w+>>\\s*|BEGIN\\b\\s*|END\\s+(?:IF|LOOP|CASE)\\b\\s*|END\\b\\s*"
            + "|ELSE\\b\\s*|EXCEPTION\\s+WHEN\\b.*?\\bTHEN\\b\\s*|WHEN\\b.*?\\bTHEN\\b\\s*|CASE\\b\\s*"
            + "|(?:IF|ELSIF|ELSEIF)\\b.*?\\bTHEN\\b\\s*|(?:FOR|FOREACH|WHILE)\\b.*?\\bLOOP\\b\\s*|LOOP\\b\\s*)", FLAGS);
    /** Statements of a DO block that change nothing, or whose effects the scan reads like those of any statement. */
    private static final Pattern PL_KNOWN = Pattern.compile("^(?:$|NULL$|RETURN\\b|RAISE\\b|ASSERT\\b|EXIT\\b|CONTINUE\\b"
            + "|GET\\s+(?:STACKED\\s+|CURRENT\\s+)?DIAGNOSTICS\\b|SELECT\\b.*\\bINTO\\b|" + ID + "\\s*:?=[^=]"
            + "|(?:ALTER|CREATE|DROP|GRANT|REVOKE|COMMENT|LOCK|INSERT|DELETE|UPDATE|TRUNCATE|SET|RESET|ANALYZE|REINDEX|REFRESH)\\b)",
            FLAGS);

    private static final Pattern A_DROP_CONSTRAINT =
            Pattern.compile("^DROP\\s+CONSTRAINT\\s+(?:IF\\s+EXISTS\\s+)?(" + ID + ")", FLAGS);
    private static final Pattern A_DROP_COLUMN =
            Pattern.compile("^DROP\\s+(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?(" + ID + ")", FLAGS);
    private static final Pattern A_ADD_UNIQUE =
            Pattern.compile("^ADD\\s+(?:CONSTRAINT\\s+(" + ID + ")\\s+)?UNIQUE\\s*\\(([^)]*)\\)", FLAGS);
    private static final Pattern A_ADD_FK = Pattern.compile(
            "^ADD\\s+(?:CONSTRAINT\\s+(" + ID + ")\\s+)?FOREIGN\\s+KEY.*?\\bREFERENCES\\s+(" + QN + ")", FLAGS);
    private static final Pattern A_ADD_OTHER_CONSTRAINT =
            Pattern.compile("^ADD\\s+(?:CONSTRAINT\\s+" + ID + "\\s+)?(?:CHECK|PRIMARY|EXCLUDE|UNIQUE)\\b", FLAGS);
    private static final Pattern A_ADD_COLUMN =
            Pattern.compile("^ADD\\s+(?:COLUMN\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?(" + ID + ")", FLAGS);
    private static final Pattern A_COLUMN_TYPE =
            Pattern.compile("^ALTER\\s+(?:COLUMN\\s+)?(" + ID + ")\\s+(?:SET\\s+DATA\\s+)?TYPE\\b", FLAGS);
    private static final Pattern INSERT_INTO = Pattern.compile("^INSERT\\s+INTO\\s+(" + QN + ")", FLAGS);
    private static final Pattern A_ROW_SECURITY =
            Pattern.compile("^(?:NO\\s+FORCE|FORCE|ENABLE|DISABLE)\\s+ROW\\s+LEVEL\\s+SECURITY", FLAGS);
    private static final Pattern A_VALIDATE = Pattern.compile("^VALIDATE\\s+CONSTRAINT\\b", FLAGS);

    private Script() {}

    /** Splits and analyses {@code script}; statements that are only comments are left out. */
    static List<Statement> parse(String script) {
        List<Statement> out = new ArrayList<>();
        for (String sql : split(script)) {
            String display = strip(sql, false);
            if (display.isEmpty()) {
                continue;
            }
            out.add(new Statement(sql, display, analyse(sql), ENGINE_SETTING.matcher(display).matches()));
        }
        return out;
    }

    /** Whether {@code sql} is a {@code SET [LOCAL] lock_timeout|statement_timeout}, the engine's to decide. */
    static boolean isEngineSetting(String sql) {
        return ENGINE_SETTING.matcher(strip(sql, false).replaceAll("\\s*;$", "")).matches();
    }

    /** The analysis of one statement (as Flyway hands it to a callback). */
    static Statement statement(String sql) {
        return new Statement(sql, strip(sql, false), analyse(sql), false);
    }

    private static List<Effect> analyse(String sql) {
        List<Effect> effects = effects(strip(sql, true));
        // The marker counts in a comment of the statement itself, not in a string or a DO block's body.
        boolean marked = MARKER.matcher(sql).find() && !strip(sql, false).contains(NO_DATA_MARKER);
        String unknown = marked ? null : unreadable(sql);
        if (unknown == null) {
            return effects;
        }
        List<Effect> out = new ArrayList<>(effects);
        out.add(new Effect(Kind.UNKNOWN, null, unknown, List.of(), null, false));
        return List.copyOf(out);
    }

    /**
     * Why the effect of {@code sql} on data cannot be read from its text, null when it can. A DO block is read
     * statement by statement: PL/pgSQL control flow, RAISE, assignments, {@code SELECT ... INTO} and statements
     * the scan reads anywhere (DDL, DML, GRANT/REVOKE, roles) are known; anything else is not.
     */
    private static String unreadable(String sql) {
        String scan = strip(sql, true);
        Matcher m = UNREADABLE.matcher(scan);
        if (m.find()) {
            return m.group(1).toUpperCase(Locale.ROOT) + " runs code the engine cannot read";
        }
        if ((m = DROP_CASCADE.matcher(scan)).find()) {
            return "DROP " + m.group(1).toUpperCase(Locale.ROOT) + " ... CASCADE drops whatever depends on it, tables and columns too";
        }
        if (DROP_OWNED.matcher(scan).find()) {
            return "DROP OWNED drops every object the role owns";
        }
        if (MERGE.matcher(scan).find()) {
            return "MERGE inserts, updates or deletes rows the engine does not archive";
        }
        String display = strip(sql, false);
        if (SELECT_HEAD.matcher(display).find() && callsCode(scan) != null) {
            return "SELECT calls " + callsCode(scan) + "(), which may change data";
        }
        if (!DO_BLOCK.matcher(display).find()) {
            return null;
        }
        Matcher lang = DO_LANGUAGE.matcher(scan);
        if (lang.find() && !"plpgsql".equalsIgnoreCase(lang.group(1))) {
            return "a DO block in " + lang.group(1);
        }
        String body = doBody(sql);
        if (body == null) {
            return "a DO block whose body is not dollar-quoted";
        }
        boolean declaring = false;
        for (String piece : split(body)) {
            String st = strip(piece, true);
            if (st.regionMatches(true, 0, "DECLARE", 0, 7) || (st.startsWith("<<") && st.toUpperCase(Locale.ROOT).contains("DECLARE"))) {
                declaring = true;
            }
            if (declaring) {
                Matcher begin = Pattern.compile("\\bBEGIN\\b", FLAGS).matcher(st);
                if (!begin.find()) {
                    continue; // a declaration
                }
                st = st.substring(begin.start());
                declaring = false;
            }
            String before;
            do {
                before = st;
                Matcher p = PL_PREFIX.matcher(st);
                if (p.lookingAt()) {
                    st = st.substring(p.end()).trim();
                }
            } while (!st.equals(before));
            if (!PL_KNOWN.matcher(st).find()) {
                String head = st.split("\\s+")[0].toUpperCase(Locale.ROOT);
                return "a DO block with a " + head + " statement";
            }
            if (SELECT_HEAD.matcher(st).find() && callsCode(st) != null) {
                return "a DO block whose SELECT calls " + callsCode(st) + "()";
            }
        }
        return null;
    }

    /** The body of the DO block {@code sql}: the content of its first dollar-quoted string, null when none. */
    private static String doBody(String sql) {
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '$' && (i == 0 || !identifierChar(sql.charAt(i - 1)))) {
                Matcher m = DOLLAR.matcher(sql).region(i, n);
                if (m.lookingAt()) {
                    String tag = m.group();
                    int close = sql.indexOf(tag, m.end());
                    return close < 0 ? sql.substring(m.end()) : sql.substring(m.end(), close);
                }
            }
            int end = tokenEnd(sql, i);
            i = end > i ? end : i + 1;
        }
        return null;
    }

    /** The table a statement starting with {@code INSERT INTO} writes to, else null. */
    static String insertTarget(String sql) {
        Matcher m = INSERT_INTO.matcher(strip(sql, true));
        return m.find() ? name(m.group(1)) : null;
    }

    /** The statements of {@code script}, as written, without the separating semicolons. */
    static List<String> split(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int n = script.length();
        int i = 0;
        while (i < n) {
            char c = script.charAt(i);
            int end = tokenEnd(script, i);
            if (end > i) {
                cur.append(script, i, end);
                i = end;
            } else if (c == ';') {
                out.add(cur.toString());
                cur.setLength(0);
                i++;
            } else {
                cur.append(c);
                i++;
            }
        }
        out.add(cur.toString());
        return out.stream().filter(s -> !strip(s, false).isEmpty()).toList();
    }

    /**
     * The end of the comment, quoted string, quoted identifier or dollar-quoted string starting at {@code i},
     * or {@code i} when none starts there.
     */
    private static int tokenEnd(String s, int i) {
        int n = s.length();
        char c = s.charAt(i);
        char next = i + 1 < n ? s.charAt(i + 1) : '\0';
        if (c == '-' && next == '-') {
            int nl = s.indexOf('\n', i);
            return nl < 0 ? n : nl;
        }
        if (c == '/' && next == '*') {
            int depth = 0;
            int j = i;
            while (j < n) {
                if (s.startsWith("/*", j)) {
                    depth++;
                    j += 2;
                } else if (s.startsWith("*/", j)) {
                    depth--;
                    j += 2;
                    if (depth == 0) {
                        return j;
                    }
                } else {
                    j++;
                }
            }
            return n;
        }
        if (c == '\'' || c == '"') {
            boolean backslashes = c == '\'' && i > 0 && (s.charAt(i - 1) == 'E' || s.charAt(i - 1) == 'e')
                    && (i < 2 || !identifierChar(s.charAt(i - 2)));
            int j = i + 1;
            while (j < n) {
                char d = s.charAt(j);
                if (backslashes && d == '\\') {
                    j += 2;
                } else if (d == c) {
                    if (j + 1 < n && s.charAt(j + 1) == c) {
                        j += 2;
                    } else {
                        return j + 1;
                    }
                } else {
                    j++;
                }
            }
            return n;
        }
        if (c == '$' && (i == 0 || !identifierChar(s.charAt(i - 1)))) {
            Matcher m = DOLLAR.matcher(s).region(i, n);
            if (m.lookingAt()) {
                String tag = m.group();
                int close = s.indexOf(tag, i + tag.length());
                return close < 0 ? n : close + tag.length();
            }
        }
        return i;
    }

    /**
     * Where the keyword {@code word} (e.g. {@code WHERE}) first stands in {@code sql} outside parentheses,
     * comments, strings and quoted identifiers, at or after {@code from}; -1 when it does not.
     */
    static int topLevel(String sql, String word, int from) {
        int depth = 0;
        int n = sql.length();
        int i = from;
        while (i < n) {
            int end = tokenEnd(sql, i);
            if (end > i) {
                i = end;
                continue;
            }
            char c = sql.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (depth == 0 && sql.regionMatches(true, i, word, 0, word.length())
                    && (i == 0 || !identifierChar(sql.charAt(i - 1)))
                    && (i + word.length() >= n || !identifierChar(sql.charAt(i + word.length())))) {
                return i;
            }
            i++;
        }
        return -1;
    }

    private static boolean identifierChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /**
     * {@code sql} without comments and with whitespace collapsed. With {@code forScan}, string literals
     * are emptied and dollar-quoted bodies are opened (their delimiters dropped, their content analysed
     * like the rest), so that statements inside DO blocks are seen and message texts are not.
     */
    static String strip(String sql, boolean forScan) {
        StringBuilder out = new StringBuilder();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            char next = i + 1 < n ? sql.charAt(i + 1) : '\0';
            boolean comment = (c == '-' && next == '-') || (c == '/' && next == '*');
            if (comment) {
                out.append(' ');
                i = tokenEnd(sql, i);
            } else if (c == '\'' && forScan) {
                out.append("''");
                i = tokenEnd(sql, i);
            } else if (c == '$' && forScan && (i == 0 || !identifierChar(sql.charAt(i - 1)))) {
                Matcher m = DOLLAR.matcher(sql).region(i, n);
                if (m.lookingAt()) {
                    out.append(' ');
                    i = m.end();
                } else {
                    out.append(c);
                    i++;
                }
            } else {
                int end = tokenEnd(sql, i);
                if (end > i) {
                    out.append(sql, i, end);
                    i = end;
                } else {
                    out.append(c);
                    i++;
                }
            }
        }
        return out.toString().replaceAll("\\s+", " ").trim();
    }

    private record Found(int at, Effect effect) {}

    private static List<Effect> effects(String scan) {
        List<Found> found = new ArrayList<>();
        Matcher m = DROP_TABLE.matcher(scan);
        while (m.find()) {
            for (String t : m.group(1).split("\\s*,\\s*")) {
                found.add(new Found(m.start(), new Effect(Kind.DROP_TABLE, name(t), null, List.of(), ACCESS_EXCLUSIVE, false)));
            }
        }
        m = DROP_INDEX.matcher(scan);
        while (m.find()) {
            boolean conc = m.group(1) != null;
            found.add(new Found(m.start(), new Effect(Kind.DROP_INDEX, null, name(m.group(2)), List.of(),
                    conc ? SHARE_UPDATE_EXCLUSIVE : ACCESS_EXCLUSIVE, conc)));
        }
        m = DROP_POLICY.matcher(scan);
        while (m.find()) {
            found.add(new Found(m.start(), new Effect(Kind.DROP_POLICY, name(m.group(2)), name(m.group(1)), List.of(),
                    ACCESS_EXCLUSIVE, false)));
        }
        m = CREATE_TABLE.matcher(scan);
        while (m.find()) {
            found.add(new Found(m.start(), new Effect(Kind.CREATE_TABLE, name(m.group(1)), null, List.of(), null, false)));
        }
        m = CREATE_INDEX.matcher(scan);
        while (m.find()) {
            boolean conc = m.group(2) != null;
            String lock = conc ? SHARE_UPDATE_EXCLUSIVE : SHARE;
            found.add(new Found(m.start(), new Effect(Kind.CREATE_INDEX, name(m.group(4)), name(m.group(3)), List.of(), lock, conc)));
            // A unique index is a unique key the data must allow (an undo may build one and attach it with
            // ADD CONSTRAINT … USING INDEX): the planner checks it like ADD … UNIQUE (…).
            if (m.group(1) != null && m.group(5) != null && !m.group(5).isBlank()) {
                List<String> cols = new ArrayList<>();
                for (String col : m.group(5).split(",")) {
                    cols.add(name(col.trim().split("\\s+")[0]));
                }
                found.add(new Found(m.start(), new Effect(Kind.ADD_UNIQUE, name(m.group(4)), name(m.group(3)), cols, lock, conc)));
            }
        }
        m = ALTER_TABLE.matcher(scan);
        while (m.find()) {
            String table = name(m.group(1));
            for (String action : actions(m.group(2))) {
                found.add(new Found(m.start(), alterAction(table, action.trim())));
            }
        }
        m = LOCK_TABLE.matcher(scan);
        while (m.find()) {
            String mode = m.group(2).trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
            for (String t : m.group(1).split("\\s*,\\s*")) {
                found.add(new Found(m.start(), new Effect(Kind.LOCK_TABLE, name(t), null, List.of(), mode, false)));
            }
        }
        m = DELETE_FROM.matcher(scan);
        while (m.find()) {
            found.add(new Found(m.start(), new Effect(Kind.DELETE_ROWS, name(m.group(1)), null, List.of(), ROW_EXCLUSIVE, false)));
        }
        m = UPDATE_SET.matcher(scan);
        while (m.find()) {
            found.add(new Found(m.start(), new Effect(Kind.UPDATE_ROWS, name(m.group(1)), null, List.of(), ROW_EXCLUSIVE, false)));
        }
        m = TRUNCATE.matcher(scan);
        while (m.find()) {
            for (String t : m.group(1).split("\\s*,\\s*")) {
                found.add(new Found(m.start(), new Effect(Kind.TRUNCATE, name(t), null, List.of(), ACCESS_EXCLUSIVE, false)));
            }
        }
        m = DROP_ROLE.matcher(scan);
        while (m.find()) {
            found.add(new Found(m.start(), new Effect(Kind.DROP_ROLE, name(m.group(1)), null, List.of(), null, false)));
        }
        m = CREATE_ROLE.matcher(scan);
        while (m.find()) {
            found.add(new Found(m.start(), new Effect(Kind.CREATE_ROLE, name(m.group(1)), null, List.of(), null, false)));
        }
        found.sort(Comparator.comparingInt(Found::at));
        return found.stream().map(Found::effect).toList();
    }

    private static Effect alterAction(String table, String action) {
        Matcher a;
        if ((a = A_DROP_CONSTRAINT.matcher(action)).find()) {
            return new Effect(Kind.DROP_CONSTRAINT, table, name(a.group(1)), List.of(), ACCESS_EXCLUSIVE, false);
        }
        if ((a = A_ADD_FK.matcher(action)).find()) {
            return new Effect(Kind.ADD_FOREIGN_KEY, table, a.group(1) == null ? null : name(a.group(1)),
                    List.of(name(a.group(2))), SHARE_ROW_EXCLUSIVE, false);
        }
        if ((a = A_ADD_UNIQUE.matcher(action)).find()) {
            List<String> cols = new ArrayList<>();
            for (String col : a.group(2).split(",")) {
                cols.add(name(col.trim()));
            }
            return new Effect(Kind.ADD_UNIQUE, table, a.group(1) == null ? null : name(a.group(1)), cols,
                    ACCESS_EXCLUSIVE, false);
        }
        if (A_ADD_OTHER_CONSTRAINT.matcher(action).find()) {
            return new Effect(Kind.ALTER_TABLE, table, null, List.of(), ACCESS_EXCLUSIVE, false);
        }
        if ((a = A_ADD_COLUMN.matcher(action)).find()) {
            return new Effect(Kind.ADD_COLUMN, table, name(a.group(1)), List.of(), ACCESS_EXCLUSIVE, false);
        }
        if ((a = A_COLUMN_TYPE.matcher(action)).find()) {
            return new Effect(Kind.ALTER_COLUMN_TYPE, table, name(a.group(1)), List.of(), ACCESS_EXCLUSIVE, false);
        }
        if ((a = A_DROP_COLUMN.matcher(action)).find()) {
            return new Effect(Kind.DROP_COLUMN, table, name(a.group(1)), List.of(), ACCESS_EXCLUSIVE, false);
        }
        if (A_ROW_SECURITY.matcher(action).find()) {
            return new Effect(Kind.ROW_SECURITY, table, null, List.of(), ACCESS_EXCLUSIVE, false);
        }
        if (A_VALIDATE.matcher(action).find()) {
            return new Effect(Kind.ALTER_TABLE, table, null, List.of(), SHARE_UPDATE_EXCLUSIVE, false);
        }
        return new Effect(Kind.ALTER_TABLE, table, null, List.of(), ACCESS_EXCLUSIVE, false);
    }

    /** The comma-separated actions of an ALTER TABLE, commas inside parentheses kept. */
    private static List<String> actions(String text) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(text.substring(start, i));
                start = i + 1;
            }
        }
        out.add(text.substring(start));
        return out.stream().filter(s -> !s.isBlank()).toList();
    }

    /**
     * The existing tables {@code statements} alter, drop, index or lock: every effect's table except those of a
     * table the statements create and of roles.
     */
    static java.util.Set<String> touchedTables(List<Statement> statements) {
        java.util.Set<String> tables = new java.util.LinkedHashSet<>();
        for (Statement st : statements) {
            for (Effect e : st.effects()) {
                if (e.table() != null && !e.table().isEmpty() && e.kind() != Kind.CREATE_TABLE && e.kind() != Kind.CREATE_ROLE
                        && e.kind() != Kind.DROP_ROLE) {
                    tables.add(e.table());
                }
            }
        }
        return tables;
    }

    /** An identifier as PostgreSQL resolves it: unquoted folded to lower case, {@code public.} dropped. */
    static String name(String qualified) {
        String q = qualified.trim();
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < q.length(); i++) {
            char c = q.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < q.length() && q.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == '.' && !quoted) {
                parts.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(quoted ? c : Character.toLowerCase(c));
            }
        }
        parts.add(cur.toString().trim());
        if (parts.size() == 2 && parts.get(0).equals("public")) {
            return parts.get(1);
        }
        return String.join(".", parts);
    }
}
