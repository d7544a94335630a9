package com.alphapulse.tenant.testing;

import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.testing.AlphaPulseRows;
import com.alphapulse.db.testing.TestDatabases;
import com.alphapulse.tenant.TenantId;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * A fresh database migrated to the head version, a login role for the application that is neither the
 * tables' owner nor superuser nor BYPASSRLS, and {@link #rowsPerTable(TenantId)} rows of each of the tenants
 * {@link #A}, {@link #B} and {@link #C} in every one of the eight tenant tables. The default tenant has none.
 *
 * <p>Migrating and seeding go through test-support ({@link TestDatabases#migrate}, {@link AlphaPulseRows}),
 * so this fixture runs the scripts through the same Flyway configuration as the tools, and its rows come
 * from AlphaPulse's one test-row generator; what is left here is the application role and the tenants.
 */
public final class TenantDatabase implements AutoCloseable {

    /** A tenant with 2 rows per tenant table. */
    public static final TenantId A = TenantId.parse("aaaaaaaa-0000-4000-8000-00000000000a");
    /** A tenant with 3 rows per tenant table. */
    public static final TenantId B = TenantId.parse("bbbbbbbb-0000-4000-8000-00000000000b");
    /** A tenant with 4 rows per tenant table. */
    public static final TenantId C = TenantId.parse("cccccccc-0000-4000-8000-00000000000c");

    /** The eight tables row-level security applies to. */
    public static final List<String> TENANT_TABLES = AlphaPulseSchema.TENANT_TABLES;

    private static final Map<TenantId, String> TAGS = Map.of(A, "a", B, "b", C, "c");
    private static final Map<TenantId, Integer> ROWS = Map.of(A, 2, B, 3, C, 4);

    private final Database database;
    private final String appRole;
    private final String appPassword;
    private final SchemaVersion version;
    private final Map<TenantId, List<Integer>> accountIds = new ConcurrentHashMap<>();

    private TenantDatabase(Database database, String appRole, String appPassword, SchemaVersion version) {
        this.database = database;
        this.appRole = appRole;
        this.appPassword = appPassword;
        this.version = version;
    }

    /** Creates, migrates and seeds a database whose name starts with {@code prefix}. */
    public static TenantDatabase create(String prefix) {
        Database db = PostgresProvider.shared().createDatabase(prefix);
        // The head of the set, not a number: the fixture follows the newest migration without an edit.
        SchemaVersion head = AlphaPulseSchema.migrations().head();
        byte[] random = new byte[8];
        new SecureRandom().nextBytes(random);
        String suffix = HexFormat.of().formatHex(random);
        // Roles are cluster-wide: a unique name keeps test classes (and JVMs) on one server apart.
        TenantDatabase t = new TenantDatabase(db, "tm_app_" + suffix, "pw_" + suffix, head);
        try {
            TestDatabases.migrate(db, head);
            t.createAppRole();
            t.seed();
        } catch (SQLException | RuntimeException e) {
            t.close();
            throw new IllegalStateException("cannot prepare " + db + ": " + e.getMessage(), e);
        }
        return t;
    }

    private void createAppRole() throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + appRole + " LOGIN PASSWORD '" + appPassword
                    + "' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE");
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + appRole);
            s.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + appRole);
        }
    }

    private void seed() {
        for (TenantId tenant : List.of(A, B, C)) {
            accountIds.put(tenant,
                    AlphaPulseRows.loadTenant(database, tenant.value(), TAGS.get(tenant), ROWS.get(tenant)));
        }
    }

    private static void setTenant(Connection c, TenantId tenant) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('app.current_tenant_id', ?, true)")) {
            ps.setString(1, tenant.toString());
            ps.executeQuery().close();
        }
    }

    /** The symbol of the {@code i}-th seeded position, trade and signal of {@code tenant}. */
    public static String symbol(TenantId tenant, int i) {
        return AlphaPulseRows.symbol(TAGS.get(tenant), i);
    }

    /** How many rows {@code tenant} was seeded with in each tenant table. */
    public static int rowsPerTable(TenantId tenant) {
        return ROWS.getOrDefault(tenant, 0);
    }

    /** The id the database gave the {@code i}-th (from 1) trading account seeded for {@code tenant}. */
    public int accountId(TenantId tenant, int i) {
        List<Integer> accounts = accountIds.get(tenant);
        if (accounts == null || i < 1 || i > accounts.size()) {
            throw new IllegalArgumentException("no seeded account " + i + " of " + tenant);
        }
        return accounts.get(i - 1);
    }

    /** The database. */
    public Database database() {
        return database;
    }

    /** The application login role's name. */
    public String appRole() {
        return appRole;
    }

    /** Connections as the application role. */
    public DataSource appDataSource() {
        return database.dataSource(appRole, appPassword);
    }

    /** The version the database was migrated to: the head of {@link AlphaPulseSchema#migrations()}. */
    public SchemaVersion version() {
        return version;
    }

    /** Rows of {@code tenant} in {@code table}, counted as the administrator within that tenant's setting. */
    public int adminCount(String table, TenantId tenant) {
        if (!TENANT_TABLES.contains(table)) {
            throw new IllegalArgumentException("not a tenant table: " + table);
        }
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            setTenant(c, tenant);
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE tenant_id = ?")) {
                ps.setObject(1, tenant.value());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    int n = rs.getInt(1);
                    c.commit();
                    return n;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Drops the database, then the role (which the database's grants would otherwise keep alive). */
    @Override
    public void close() {
        PostgresProvider.shared().dropDatabase(database);
        try (Connection c = PostgresProvider.shared().adminDatabase().connect(); Statement s = c.createStatement()) {
            s.execute("DROP ROLE IF EXISTS " + appRole);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop role " + appRole + ": " + e.getMessage(), e);
        }
    }
}
