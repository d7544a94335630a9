package com.alphapulse.tenant.testing.internal;

import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.testing.AlphaPulseRows;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * One test database: created on the JVM's one PostgreSQL, migrated by the engine, an application role provisioned by
 * the engine, tenants seeded by test-support's one row generator; dropped with its role.
 */
public final class Fixture {

    /** A tenant to seed: its id, short name (the row generator's tag) and rows per tenant table. */
    public record Seed(UUID id, String name, int rows) {}

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database database;
    private final String appRole;
    private final String appPassword;
    private final SchemaVersion version;
    private final Map<String, UUID> names = new ConcurrentHashMap<>();
    private final Map<UUID, List<Integer>> accounts = new ConcurrentHashMap<>();

    private Fixture(Database database, String appRole, String appPassword, SchemaVersion version) {
        this.database = database;
        this.appRole = appRole;
        this.appPassword = appPassword;
        this.version = version;
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Creates, migrates, provisions and seeds a database whose name starts with {@code prefix}. */
    public static Fixture create(String prefix, List<Seed> seeds) {
        Database db = PostgresProvider.shared().createDatabase(prefix);
        // Roles are cluster-wide: a unique name keeps test classes (and JVMs) on one server apart.
        Fixture f = new Fixture(db, "tmt_app_" + random(6), random(16), AlphaPulseSchema.migrations().head());
        try {
            MigrationEngine engine = MigrationEngine.configure().dataSource(db.dataSource()).reason("tenant-model-test").load();
            engine.upgrade("head");
            // The DBA's part: the login role and its password; provision never sets one.
            execute(db, "CREATE ROLE " + f.appRole + " LOGIN PASSWORD '" + f.appPassword
                    + "' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE");
            engine.provisionApplication(f.appRole);
            for (Seed seed : seeds) {
                f.seed(seed.id(), seed.name(), seed.rows());
            }
            return f;
        } catch (RuntimeException e) {
            try {
                f.drop();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException("cannot prepare the test database " + db.name() + ": " + e.getMessage(), e);
        }
    }

    private void seed(UUID id, String name, int rows) {
        if (names.putIfAbsent(name, id) != null) {
            throw new IllegalArgumentException("a tenant named " + name + " exists already");
        }
        accounts.put(id, AlphaPulseRows.loadTenant(database, id, name, rows));
    }

    /** Adds a tenant with a new id; see {@link AlphaPulseRows#loadTenant} for the rows. */
    public UUID addTenant(String name, int rows) {
        UUID id = UUID.randomUUID();
        seed(id, name, rows);
        return id;
    }

    /** The tenant made under {@code name}, or null. */
    public UUID tenant(String name) {
        return names.get(name);
    }

    public int accountId(UUID tenant, int i) {
        List<Integer> ids = accounts.get(tenant);
        if (ids == null || i < 1 || i > ids.size()) {
            throw new IllegalArgumentException("no seeded account " + i + " of " + tenant);
        }
        return ids.get(i - 1);
    }

    public DataSource appDataSource() {
        return database.dataSource(appRole, appPassword);
    }

    public DataSource ownerDataSource() {
        return database.dataSource();
    }

    public String appRole() {
        return appRole;
    }

    public String appPassword() {
        return appPassword;
    }

    public String jdbcUrl() {
        return database.jdbcUrl();
    }

    public String databaseName() {
        return database.name();
    }

    public SchemaVersion version() {
        return version;
    }

    /** Drops the database, then the role: its grants live in the database and would otherwise keep it. */
    public void drop() {
        PostgresProvider pg = PostgresProvider.shared();
        pg.dropDatabase(database);
        execute(pg.adminDatabase(), "DROP ROLE IF EXISTS " + appRole);
    }

    private static void execute(Database db, String sql) {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            // Never the statement itself: it may carry the role's password.
            throw new IllegalStateException("cannot set up the test database " + db.name() + ": " + e.getMessage(), e);
        }
    }
}
