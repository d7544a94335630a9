package com.alphapulse.db.migrations.internal;

import com.alphapulse.db.migrations.SchemaException;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Results of the catalog queries as rows of text (column name to value, {@code null} for SQL NULL, in the
 * query's column order), read from the expected JSON (jOOQ's {@code formatJSON}: {@code {"fields": [{"name": …}],
 * "records": [[…]]}}) or from a live {@code ResultSet}, so that the two compare equal without a jOOQ context: the
 * catalog queries return text and booleans only. A reader of exactly that format, not of JSON in general.
 */
public final class CatalogRows {

    private final String json;
    private int pos;

    private CatalogRows(String json) {
        this.json = json;
    }

    /** The rows of one expected catalog file. */
    public static List<Map<String, String>> parse(String json) {
        try {
            return new CatalogRows(json).document();
        } catch (RuntimeException e) {
            throw new SchemaException(SchemaException.Code.MISSING_RESOURCE, "cannot read an expected catalog: "
                    + e.getMessage());
        }
    }

    /** The rows of a live result, as {@link #parse} gives the expected ones. */
    public static List<Map<String, String>> read(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        List<Map<String, String>> rows = new ArrayList<>();
        while (rs.next()) {
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                Object value = rs.getObject(i);
                row.put(meta.getColumnLabel(i), value == null ? null : value.toString());
            }
            rows.add(Collections.unmodifiableMap(row));
        }
        return Collections.unmodifiableList(rows);
    }

    private List<Map<String, String>> document() {
        List<String> fields = new ArrayList<>();
        List<Map<String, String>> rows = new ArrayList<>();
        expect('{');
        boolean first = true;
        while (!peek('}')) {
            if (!first) {
                expect(',');
            }
            first = false;
            String key = string();
            expect(':');
            if (key.equals("fields")) {
                expect('[');
                while (!peek(']')) {
                    if (!fields.isEmpty()) {
                        expect(',');
                    }
                    String name = null;
                    expect('{');
                    boolean firstAttr = true;
                    while (!peek('}')) {
                        if (!firstAttr) {
                            expect(',');
                        }
                        firstAttr = false;
                        String attr = string();
                        expect(':');
                        String value = value();
                        if (attr.equals("name")) {
                            name = value;
                        }
                    }
                    expect('}');
                    if (name == null) {
                        throw new IllegalArgumentException("a field without a name at " + pos);
                    }
                    fields.add(name);
                }
                expect(']');
            } else if (key.equals("records")) {
                expect('[');
                while (!peek(']')) {
                    if (!rows.isEmpty()) {
                        expect(',');
                    }
                    expect('[');
                    List<String> values = new ArrayList<>();
                    while (!peek(']')) {
                        if (!values.isEmpty()) {
                            expect(',');
                        }
                        values.add(value());
                    }
                    expect(']');
                    rows.add(Collections.unmodifiableMap(zip(fields, values)));
                }
                expect(']');
            } else {
                throw new IllegalArgumentException("unexpected key " + key);
            }
        }
        expect('}');
        return Collections.unmodifiableList(rows);
    }

    private Map<String, String> zip(List<String> fields, List<String> values) {
        if (fields.size() != values.size()) {
            throw new IllegalArgumentException("a record of " + values.size() + " values for " + fields.size() + " fields");
        }
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < fields.size(); i++) {
            row.put(fields.get(i), values.get(i));
        }
        return row;
    }

    /** A string, true/false, a number (as written) or null. */
    private String value() {
        skip();
        char c = json.charAt(pos);
        if (c == '"') {
            return string();
        }
        int start = pos;
        while (pos < json.length() && ",]} \t\r\n".indexOf(json.charAt(pos)) < 0) {
            pos++;
        }
        String word = json.substring(start, pos);
        if (word.equals("null")) {
            return null;
        }
        if (word.equals("true") || word.equals("false") || word.matches("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?")) {
            return word;
        }
        throw new IllegalArgumentException("unexpected value '" + word + "' at " + start);
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = json.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = json.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    out.append((char) Integer.parseInt(json.substring(pos, pos + 4), 16));
                    pos += 4;
                }
                default -> throw new IllegalArgumentException("bad escape \\" + e + " at " + pos);
            }
        }
    }

    private boolean peek(char c) {
        skip();
        return pos < json.length() && json.charAt(pos) == c;
    }

    private void expect(char c) {
        skip();
        if (pos >= json.length() || json.charAt(pos) != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + pos);
        }
        pos++;
    }

    private void skip() {
        while (pos < json.length() && Character.isWhitespace(json.charAt(pos))) {
            pos++;
        }
    }
}
