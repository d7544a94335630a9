package com.alphapulse.tenant.testing;

import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.tenant.testing.internal.Fixture;
import com.alphapulse.tenant.testing.internal.JdbcTenantRows;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension for services' tests: a fresh database on a real PostgreSQL, migrated to the head of the
 * AlphaPulse set by the migration engine (exactly what {@code upgrade head} does), an application LOGIN role given its
 * grants by {@code MigrationEngine.provisionApplication} (exactly what DBAs run: {@code provision --app-role}), and
 * the tenants {@link #A}, {@link #B} and {@link #C} with {@link #rowsPerTable(UUID)} rows each in every tenant table.
 *
 * <pre>{@code
 * @RegisterExtension static final TenantTestDatabase DB = TenantTestDatabase.atHead();
 *
 * @Test void readsItsTenantOnly() {
 *     DataSource app = DB.appDataSource();   // the role services connect as: row-level security filters it
 *     ...
 * }
 * }</pre>
 *
 * <p>The database is created before the class's first test ({@code beforeAll}) and dropped, with the role, after its
 * last ({@code afterAll}); a field shared by nested classes keeps one database for all of them. The server is the
 * JVM's one PostgreSQL: {@code ALPHAPULSE_PG_URL} (with {@code ALPHAPULSE_PG_USER}, {@code ALPHAPULSE_PG_PASSWORD};
 * a user that may create databases and roles) when set, else Testcontainers when it is on the class path and a Docker
 * engine answers, else an embedded PostgreSQL. Outside JUnit, {@link #start()} and {@link #close()} do the same.
 *
 * <p>Tenants are plain {@link UUID}s with a short name ({@code "a"}, {@code "b"}, {@code "c"}): this module knows
 * no service library, so it serves tenant-model's tests as well as any other.
 */
public final class TenantTestDatabase implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    /** A tenant with 2 rows per tenant table, named {@code "a"}. */
    public static final UUID A = UUID.fromString("aaaaaaaa-0000-4000-8000-00000000000a");
    /** A tenant with 3 rows per tenant table, named {@code "b"}. */
    public static final UUID B = UUID.fromString("bbbbbbbb-0000-4000-8000-00000000000b");
    /** A tenant with 4 rows per tenant table, named {@code "c"}. */
    public static final UUID C = UUID.fromString("cccccccc-0000-4000-8000-00000000000c");

    /** The tables row-level security applies to, each seeded for every tenant. */
    public static final List<String> TENANT_TABLES = AlphaPulseSchema.TENANT_TABLES;

    /** The seeded tenants, by short name; different row counts, so a count shows whose rows a query saw. */
    private static final Map<String, UUID> SEEDED = Map.of("a", A, "b", B, "c", C);
    private static final Map<UUID, Integer> ROWS = Map.of(A, 2, B, 3, C, 4);

    private final String prefix;
    private Fixture fixture;
    private int users;

    private TenantTestDatabase(String prefix) {
        this.prefix = prefix;
    }

    /** An extension that creates its database at the head of the AlphaPulse set before all tests of a class. */
    public static TenantTestDatabase atHead() {
        return new TenantTestDatabase("tenant_test");
    }

    /** Creates, migrates and seeds the database now, unless it is already there. Returns this. */
    public synchronized TenantTestDatabase start() {
        if (users++ == 0) {
            try {
                fixture = Fixture.create(prefix, SEEDED.entrySet().stream()
                        .sorted(Map.Entry.comparingByKey())
                        .map(e -> new Fixture.Seed(e.getValue(), e.getKey(), ROWS.get(e.getValue())))
                        .toList());
            } catch (RuntimeException e) {
                users = 0;
                throw e;
            }
        }
        return this;
    }

    /** Drops the database and the application role once the last user of {@link #start()} closes it. */
    @Override
    public synchronized void close() {
        if (users > 0 && --users == 0) {
            Fixture f = fixture;
            fixture = null;
            f.drop();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    private synchronized Fixture fixture() {
        if (fixture == null) {
            throw new IllegalStateException("the test database is not started: register it with @RegisterExtension on a "
                    + "static field, or call start()");
        }
        return fixture;
    }

    /** The seeded tenant named {@code name} ({@code "a"}, {@code "b"}, {@code "c"}) or one {@link #addTenant added}. */
    public UUID tenant(String name) {
        UUID id = SEEDED.get(name);
        if (id == null) {
            id = fixture().tenant(name);
        }
        if (id == null) {
            throw new IllegalArgumentException("no tenant named " + name);
        }
        return id;
    }

    /** The three seeded tenants, A, B, C. */
    public static List<UUID> seededTenants() {
        return List.of(A, B, C);
    }

    /**
     * Adds a tenant named {@code name} (1 to 8 lower-case letters or digits, unique in the database) with exactly
     * {@code rows} rows in each tenant table, the way the seeded ones were made; returns its id.
     */
    public UUID addTenant(String name, int rows) {
        if (SEEDED.containsKey(name)) {
            throw new IllegalArgumentException(name + " is a seeded tenant");
        }
        return fixture().addTenant(name, rows);
    }

    /** Rows of {@code tenant}: inserted and counted as the tables' owner within that tenant's setting. */
    public TenantRows rows(UUID tenant) {
        return new JdbcTenantRows(fixture().ownerDataSource(), tenant);
    }

    /** How many rows a seeded tenant has in each tenant table (0 for any other tenant, the default one included). */
    public static int rowsPerTable(UUID tenant) {
        return ROWS.getOrDefault(tenant, 0);
    }

    /** The symbol of the {@code i}-th (from 1) seeded position, trade and signal of {@code tenant}. */
    public static String symbol(UUID tenant, int i) {
        return com.alphapulse.db.testing.AlphaPulseRows.symbol(name(tenant), i);
    }

    /** The short name of a seeded tenant. */
    public static String name(UUID tenant) {
        return SEEDED.entrySet().stream().filter(e -> e.getValue().equals(tenant)).map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a seeded tenant: " + tenant));
    }

    /** The id the database gave the {@code i}-th (from 1) trading account made for {@code tenant}. */
    public int accountId(UUID tenant, int i) {
        return fixture().accountId(tenant, i);
    }

    /** Rows of {@code tenant} in {@code table}, counted as the tables' owner within that tenant's setting. */
    public int adminCount(String table, UUID tenant) {
        return rows(tenant).count(table);
    }

    /** Connections as the application role: LOGIN, not the tables' owner, neither superuser nor BYPASSRLS. */
    public DataSource appDataSource() {
        return fixture().appDataSource();
    }

    /** The application role's name; unique per instance, since roles are cluster-wide. */
    public String appRole() {
        return fixture().appRole();
    }

    /** The application role's password, for a pool of the consumer's own (e.g. HikariCP). */
    public String appPassword() {
        return fixture().appPassword();
    }

    /** The JDBC URL of the database, without credentials. */
    public String jdbcUrl() {
        return fixture().jdbcUrl();
    }

    /** The database's name. */
    public String databaseName() {
        return fixture().databaseName();
    }

    /**
     * Connections as the tables' owner (the server's administrative user), for setting up and checking; row-level
     * security may not bind it, so a service's code under test must never use it.
     */
    public DataSource ownerDataSource() {
        return fixture().ownerDataSource();
    }

    /** The version the database was migrated to: the head of {@link AlphaPulseSchema#migrations()}. */
    public SchemaVersion version() {
        return fixture().version();
    }
}
