package com.alphapulse.db.migrations.internal;

import com.alphapulse.db.migrations.SchemaException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
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
 * "records": [[…]]}}) or from a live {@code ResultSet}, so that the two compare equal without a jOOQ context (which
 * costs a command's start some 500 classes): the catalog queries return text and booleans only. The JSON is read
 * with jackson-core's streaming parser, already on the class path through Flyway.
 */
public final class CatalogRows {

    private static final JsonFactory JSON = new JsonFactory();

    private CatalogRows() {}

    /** The rows of one expected catalog file. */
    public static List<Map<String, String>> parse(String json) {
        try (JsonParser p = JSON.createParser(json)) {
            return document(p);
        } catch (IOException | RuntimeException e) {
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

    private static List<Map<String, String>> document(JsonParser p) throws IOException {
        List<String> fields = new ArrayList<>();
        List<Map<String, String>> rows = new ArrayList<>();
        expect(p, JsonToken.START_OBJECT);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            if (key.equals("fields")) {
                expect(p, JsonToken.START_ARRAY);
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    String name = null;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String attr = p.currentName();
                        p.nextToken();
                        if (attr.equals("name")) {
                            name = p.getValueAsString();
                        } else {
                            p.skipChildren();
                        }
                    }
                    if (name == null) {
                        throw new IllegalArgumentException("a field without a name at " + p.currentLocation());
                    }
                    fields.add(name);
                }
            } else if (key.equals("records")) {
                expect(p, JsonToken.START_ARRAY);
                while (p.nextToken() == JsonToken.START_ARRAY) {
                    List<String> values = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        values.add(value(p));
                    }
                    rows.add(Collections.unmodifiableMap(zip(fields, values)));
                }
            } else {
                throw new IllegalArgumentException("unexpected key " + key);
            }
        }
        return Collections.unmodifiableList(rows);
    }

    private static void expect(JsonParser p, JsonToken token) throws IOException {
        if (p.nextToken() != token) {
            throw new IllegalArgumentException("expected " + token + " at " + p.currentLocation());
        }
    }

    /** A string, true/false, a number (as written) or null. */
    private static String value(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        return switch (t) {
            case VALUE_NULL -> null;
            case VALUE_STRING, VALUE_TRUE, VALUE_FALSE, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getText();
            default -> throw new IllegalArgumentException("unexpected " + t + " at " + p.currentLocation());
        };
    }

    private static Map<String, String> zip(List<String> fields, List<String> values) {
        if (fields.size() != values.size()) {
            throw new IllegalArgumentException("a record of " + values.size() + " values for " + fields.size() + " fields");
        }
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < fields.size(); i++) {
            row.put(fields.get(i), values.get(i));
        }
        return row;
    }
}
