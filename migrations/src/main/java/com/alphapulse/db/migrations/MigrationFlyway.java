package com.alphapulse.db.migrations;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

/**
 * The one Flyway configuration of a migration set: the code generator, the migration engine and every
 * test fixture migrate through it, so a version means the same history row everywhere. Needs flyway-core
 * and flyway-database-postgresql on the classpath (optional dependencies of this module).
 */
public final class MigrationFlyway {

    /** Schema of Flyway's history table. */
    public static final String HISTORY_SCHEMA = "public";
    /** Flyway's history table. */
    public static final String HISTORY_TABLE = "flyway_schema_history";

    private MigrationFlyway() {}

    /** Flyway for {@code set} on {@code dataSource}; the caller may add callbacks, a target or installedBy. */
    public static FluentConfiguration configure(MigrationSet set, DataSource dataSource) {
        FluentConfiguration config = Flyway.configure(set.classLoader())
                .dataSource(dataSource)
                .locations(set.flywayLocation())
                .defaultSchema(HISTORY_SCHEMA)
                .table(HISTORY_TABLE)
                .cleanDisabled(true);
        // Flyway's transactional lock holds a transaction open across the whole migration, and a
        // CREATE INDEX CONCURRENTLY waits for every open transaction: it would wait forever.
        config.getPluginRegister().getPlugin(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
        return config;
    }

    /** Migrates {@code dataSource} to {@code target} (head when null). */
    public static void migrate(MigrationSet set, DataSource dataSource, Version target) {
        FluentConfiguration config = configure(set, dataSource);
        if (target != null) {
            config.target(target.flywayVersion());
        }
        config.load().migrate();
    }
}
