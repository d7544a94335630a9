package com.alphapulse.tenant.testing;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.tenant.TenantId;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

/**
 * A fresh database migrated to the head version, a login role for the application that is neither the
 * tables' owner nor superuser nor BYPASSRLS, and {@link #rowsPerTable(TenantId)} rows of each of the tenants
 * {@link #A}, {@link #B} and {@link #C} in every one of the eight tenant tables. The default tenant has none.
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
    private final MigrateResult migration;
    private final Map<TenantId, List<Integer>> accountIds = new ConcurrentHashMap<>();

    private TenantDatabase(Database database, String appRole, String appPassword, MigrateResult migration) {
        this.database = database;
        this.appRole = appRole;
        this.appPassword = appPassword;
        this.migration = migration;
    }

    /** Creates, migrates and seeds a database whose name starts with {@code prefix}. */
    public static TenantDatabase create(String prefix) {
        Database db = PostgresProvider.shared().createDatabase(prefix);
        byte[] random = new byte[8];
        new SecureRandom().nextBytes(random);
        String suffix = HexFormat.of().formatHex(random);
        // Roles are cluster-wide: a unique name keeps test classes (and JVMs) on one server apart.
        TenantDatabase t = new TenantDatabase(db, "tm_app_" + suffix, "pw_" + suffix, migrate(db));
        try {
            t.createAppRole();
            t.seed();
        } catch (SQLException e) {
            t.close();
            throw new IllegalStateException("cannot prepare " + db + ": " + e.getMessage(), e);
        }
        return t;
    }

    private static MigrateResult migrate(Database db) {
        FluentConfiguration config = Flyway.configure()
                .dataSource(db.dataSource())
                .locations(AlphaPulseSchema.migrations().flywayLocation())
                .cleanDisabled(true);
        // V009 builds indexes CONCURRENTLY, which would wait forever on Flyway's transactional lock.
        config.getPluginRegister().getPlugin(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
        return config.load().migrate();
    }

    private void createAppRole() throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + appRole + " LOGIN PASSWORD '" + appPassword
                    + "' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE");
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + appRole);
            s.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + appRole);
        }
    }

    private void seed() throws SQLException {
        try (Connection c = database.connect()) {
            for (TenantId tenant : List.of(A, B, C)) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO tenants (id, name, slug, subscription_tier) VALUES (?, ?, ?, 'starter')")) {
                    ps.setObject(1, tenant.value());
                    ps.setString(2, "Tenant " + TAGS.get(tenant).toUpperCase());
                    ps.setString(3, "tenant-" + TAGS.get(tenant));
                    ps.executeUpdate();
                }
            }
            for (TenantId tenant : List.of(A, B, C)) {
                // FORCE row-level security binds the owner too, so seed each tenant under its own setting.
                c.setAutoCommit(false);
                setTenant(c, tenant);
                List<Integer> accounts = new ArrayList<>();
                for (int i = 1; i <= ROWS.get(tenant); i++) {
                    accounts.add(seedRow(c, tenant, TAGS.get(tenant), i));
                }
                accountIds.put(tenant, List.copyOf(accounts));
                c.commit();
                c.setAutoCommit(true);
            }
        }
    }

    /** Seeds the {@code i}-th row of each tenant table and returns the id of its trading account. */
    private static int seedRow(Connection c, TenantId tenant, String tag, int i) throws SQLException {
        String symbol = symbol(tenant, i);
        int user = insert(c, "INSERT INTO users (tenant_id, username, email, password_hash) VALUES (?, ?, ?, 'x')",
                tenant, "u_" + tag + "_" + i, tag + i + "@example.com");
        int account = insert(c, "INSERT INTO trading_accounts (tenant_id, account_id, account_number, exchange_name,"
                + " account_type) VALUES (?, ?, '000', 'binance', 'spot')", tenant, "acc_" + tag + "_" + i);
        int position = insert(c, "INSERT INTO positions (tenant_id, position_id, account_id, symbol, side, size,"
                + " entry_price) VALUES (?, ?, ?, ?, 'long', 1, 100)", tenant, "pos_" + tag + "_" + i, account, symbol);
        insert(c, "INSERT INTO trades (tenant_id, trade_id, account_id, position_id, symbol, side, trade_type,"
                + " quantity, price, gross_value, net_value, executed_at) VALUES (?, ?, ?, ?, ?, 'buy', 'market',"
                + " 1, 100, 100, 99.9, now())", tenant, "trd_" + tag + "_" + i, account, position, symbol);
        insert(c, "INSERT INTO risk_metrics (tenant_id, account_id, portfolio_value, total_exposure)"
                + " VALUES (?, ?, 1000, 100)", tenant, account);
        insert(c, "INSERT INTO portfolio_snapshots (tenant_id, account_id, total_value, cash_balance)"
                + " VALUES (?, ?, 1000, 500)", tenant, account);
        insert(c, "INSERT INTO agent_signals (tenant_id, agent_type, symbol, signal, confidence)"
                + " VALUES (?, 'momentum', ?, 'buy', 0.5)", tenant, symbol);
        insert(c, "INSERT INTO audit_logs (tenant_id, user_id, event_type, severity) VALUES (?, ?, 'login', 'info')",
                tenant, user);
        return account;
    }

    private static int insert(Connection c, String sql, TenantId tenant, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql + " RETURNING id")) {
            ps.setObject(1, tenant.value());
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 2, values[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
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
        return TAGS.get(tenant).toUpperCase() + i + "USDT";
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

    /** The migration that brought the database to the head version. */
    public MigrateResult migration() {
        return migration;
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
