package com.alphapulse.db.schema;

import com.alphapulse.db.postgres.Database;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

/** Migrating, undoing and describing test databases, the way the scripts will really be run. */
final class TestDatabases {

    private TestDatabases() {}

    static Flyway flyway(Database db, SchemaVersion target) {
        FluentConfiguration config = Flyway.configure()
                .dataSource(db.dataSource())
                .locations(AlphaPulseSchema.MIGRATION_LOCATION)
                .target(target.flywayVersion());
        config.getPluginRegister().getPlugin(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
        return config.load();
    }

    static void migrate(Database db, SchemaVersion target) {
        flyway(db, target).migrate();
    }

    /** Runs an undo script in one transaction, as the rollback engine does. */
    static void undo(Database db, SchemaVersion version) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(version.undoSql());
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    static void execute(Database db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static long count(Database db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every catalog query's rows, each row rendered as one line, per query name. */
    static Map<String, List<String>> catalog(Database db) throws SQLException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (Map.Entry<String, String> q : AlphaPulseSchema.catalogQueries().entrySet()) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery(q.getValue())) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            row.append(i == 1 ? "" : " | ").append(md.getColumnLabel(i)).append('=').append(rs.getString(i));
                        }
                        rows.add(row.toString());
                    }
                }
                out.put(q.getKey(), rows);
            }
        }
        return out;
    }
}
