package com.alphapulse.db.verification.internal;

import com.alphapulse.db.migrations.CatalogQueries;
import com.alphapulse.db.migrations.MigrationSet;
import java.sql.Savepoint;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the live catalog with the very queries that produced the expected one. */
final class CatalogReader {

    private CatalogReader() {}

    /**
     * Runs every catalog query in one round trip (one multi-statement string, several result sets) and
     * leaves the connection's transaction state alone, so it can run inside a caller's transaction.
     */
    static Catalog read(Connection c, MigrationSet set) {
        // pg_get_*def qualifies every name that is not on search_path: read with the path the expected
        // catalog was generated with, whatever currentSchema or SET the caller's session has.
        try {
            if (c.getAutoCommit()) {
                return read(c, set, "SET LOCAL search_path = " + CatalogQueries.SEARCH_PATH + ";\n");
            }
            Savepoint sp = c.setSavepoint();
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL search_path = " + CatalogQueries.SEARCH_PATH);
                return read(c, set, "");
            } finally {
                c.rollback(sp);
            }
        } catch (SQLException e) {
            throw Jdbc.queryFailed("cannot read the catalog", e);
        }
    }

    private static Catalog read(Connection c, MigrationSet set, String prefix) {
        Map<String, String> queries = CatalogQueries.sql(set);
        List<String> names = new ArrayList<>(queries.keySet());
        StringBuilder sql = new StringBuilder(prefix);
        for (String q : names) {
            sql.append(queries.get(q).strip()).append(";\n");
        }
        Map<String, List<Map<String, String>>> results = new LinkedHashMap<>();
        try (Statement s = c.createStatement()) {
            boolean isResult = s.execute(sql.toString());
            int i = 0;
            while (true) {
                if (isResult) {
                    try (ResultSet rs = s.getResultSet()) {
                        results.put(names.get(i++), CatalogQueries.rows(rs));
                    }
                } else if (s.getUpdateCount() == -1) {
                    break;
                }
                isResult = s.getMoreResults();
            }
        } catch (SQLException | RuntimeException e) {
            throw Jdbc.queryFailed("cannot read the catalog", e);
        }
        if (results.size() != names.size()) {
            throw Jdbc.queryFailed("cannot read the catalog",
                    new IllegalStateException("got " + results.size() + " of " + names.size() + " catalog results"));
        }
        return Catalog.of(results);
    }
}
