package com.alphapulse.db.rehearsal.internal;

import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.rehearsal.RehearseResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Application clients running during a rehearsal: each a daemon thread on its own connection (autocommit off)
 * running one short transaction after another, each setting {@code app.current_tenant_id} to a random demo tenant
 * and then reading ({@code SELECT * ... WHERE pk = ?}) or writing ({@code UPDATE ... SET c = c WHERE pk = ?}, the
 * locks of a real write, no change of data) one row. The statements are version-independent: only tables whose
 * single-column primary key is the same at every version that has them, and for writes a non-key column present at
 * every such version (see {@link #commonTables}); a statement on a table, column or row absent at the version of the
 * moment is counted as missing, not an error. Every transaction is timed; {@link #window} gives the longest and the p99 of those that overlapped
 * a phase. Nothing here throws into the rehearsal: failures are counted, and samples of unexpected ones kept.
 */
public final class AppLoad implements AutoCloseable {

    private static final Pattern SINGLE_KEY = Pattern.compile("PRIMARY KEY \\(([^,()]+)\\)");
    private static final int SAMPLE = 1000;
    private static final long THINK_MILLIS = 5;
    private static final int MAX_ERROR_SAMPLES = 10;

    /** A table the clients use: its key, a column to write (or null), and sampled keys per tenant. */
    record Target(String table, String key, String column, List<Object> keys, List<UUID> keyTenants) {}

    private final DataSource dataSource;
    private final List<UUID> tenants;
    private final List<Target> targets = new ArrayList<>();
    private final LatencyLog log = new LatencyLog();
    private final List<Client> clients = new ArrayList<>();
    private final AtomicLong missing = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final List<String> errorSamples = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stopping;

    private AppLoad(DataSource dataSource, List<UUID> tenants) {
        this.dataSource = dataSource;
        this.tenants = List.copyOf(tenants);
    }

    /**
     * Samples keys and starts {@code clients} threads. Never throws: when nothing can be sampled, no client runs
     * and the failure is in the summary's errors.
     */
    public static AppLoad start(DataSource dataSource, MigrationSet set, List<UUID> tenants, int clients, long seed) {
        Map<String, String[]> common = Map.of();
        String failure = null;
        try {
            common = commonTables(set);
        } catch (RuntimeException e) {
            failure = "reading the expected catalogs: " + e;
        }
        AppLoad load = new AppLoad(dataSource, tenants);
        if (failure != null) {
            load.error(failure);
            return load;
        }
        try {
            load.sample(common);
        } catch (SQLException | RuntimeException e) {
            load.error("sampling keys: " + e.getMessage());
        }
        if (load.targets.isEmpty()) {
            load.error(common.isEmpty()
                    ? "no table has the same single-column primary key at every version"
                    : "none of " + String.join(", ", common.keySet()) + " has rows to read and write");
            return load;
        }
        for (int i = 0; i < clients; i++) {
            Client c = load.new Client(i, new Random(seed + 31L * i));
            load.clients.add(c);
            c.thread.start();
        }
        return load;
    }

    /**
     * The tables the clients use, each with {key, a non-key column or null}, by name: the tables of the head version
     * whose primary key is one column, the same at every version that has the table, and for writes a non-key column
     * present at every version that has the table. Tables present at every version come first; a table some version
     * lacks (the full rollback to the first version drops the domain tables) is used too, and a statement on it while
     * it is absent counts as missing, because a load on tables without data would measure nothing.
     */
    static Map<String, String[]> commonTables(MigrationSet set) {
        DSLContext ctx = DSL.using(SQLDialect.POSTGRES);
        Map<String, String> keys = new TreeMap<>();
        Map<String, Set<String>> columns = new TreeMap<>();
        Map<String, Integer> presentAt = new TreeMap<>();
        Set<String> inconsistent = new java.util.HashSet<>();
        for (SchemaVersion v : set.versions()) {
            Set<String> tables = new LinkedHashSet<>();
            for (Record r : ctx.fetchFromJSON(v.expectedCatalogJson("tables"))) {
                tables.add(r.get("table_name", String.class));
            }
            Map<String, String> vKeys = new TreeMap<>();
            for (Record r : ctx.fetchFromJSON(v.expectedCatalogJson("constraints"))) {
                if ("PRIMARY KEY".equals(r.get("constraint_type", String.class))) {
                    Matcher m = SINGLE_KEY.matcher(r.get("definition", String.class));
                    vKeys.put(r.get("table_name", String.class), m.matches() ? m.group(1).trim() : "");
                }
            }
            Map<String, Set<String>> vColumns = new TreeMap<>();
            for (Record r : ctx.fetchFromJSON(v.expectedCatalogJson("columns"))) {
                String identity = r.get("identity", String.class);
                if (identity == null || identity.isEmpty()) {
                    vColumns.computeIfAbsent(r.get("table_name", String.class), t -> new java.util.TreeSet<>())
                            .add(r.get("name", String.class));
                }
            }
            for (String t : tables) {
                String key = vKeys.getOrDefault(t, "");
                if (key.isEmpty() || (keys.containsKey(t) && !keys.get(t).equals(key))) {
                    inconsistent.add(t);
                }
                keys.putIfAbsent(t, key);
                Set<String> cs = vColumns.getOrDefault(t, Set.of());
                if (columns.containsKey(t)) {
                    columns.get(t).retainAll(cs);
                } else {
                    columns.put(t, new java.util.TreeSet<>(cs));
                }
                presentAt.merge(t, 1, Integer::sum);
            }
        }
        Set<String> atHead = new LinkedHashSet<>();
        for (Record r : ctx.fetchFromJSON(set.head().expectedCatalogJson("tables"))) {
            atHead.add(r.get("table_name", String.class));
        }
        int versions = set.versions().size();
        List<String> order = new ArrayList<>(atHead);
        order.removeIf(inconsistent::contains);
        order.sort(java.util.Comparator.comparing((String t) -> presentAt.get(t) == versions ? 0 : 1)
                .thenComparing(java.util.Comparator.naturalOrder()));
        Map<String, String[]> out = new LinkedHashMap<>();
        for (String t : order) {
            String key = keys.get(t);
            String column = columns.getOrDefault(t, Set.of()).stream().filter(c -> !c.equals(key)).findFirst().orElse(null);
            out.put(t, new String[] {key, column});
        }
        return out;
    }

    private void sample(Map<String, String[]> common) throws SQLException {
        List<UUID> as = tenants.isEmpty() ? Collections.singletonList(null) : tenants;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            for (Map.Entry<String, String[]> e : common.entrySet()) {
                List<Object> keys = new ArrayList<>();
                List<UUID> keyTenants = new ArrayList<>();
                for (UUID tenant : as) {
                    try (PreparedStatement set = c.prepareStatement("SELECT set_config('app.current_tenant_id', ?, true)");
                            Statement s = c.createStatement()) {
                        set.setString(1, tenant == null ? "" : tenant.toString());
                        set.execute();
                        try (ResultSet rs = s.executeQuery("SELECT " + quote(e.getValue()[0]) + " FROM " + quote(e.getKey())
                                + " ORDER BY random() LIMIT " + SAMPLE)) {
                            while (rs.next()) {
                                keys.add(rs.getObject(1));
                                keyTenants.add(tenant);
                            }
                        }
                        c.commit();
                    } catch (SQLException ex) {
                        c.rollback();
                        error("sampling " + e.getKey() + ": " + ex.getMessage());
                    }
                }
                if (!keys.isEmpty()) {
                    targets.add(new Target(e.getKey(), e.getValue()[0], e.getValue()[1], keys, keyTenants));
                }
            }
        }
    }

    private static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private void error(String message) {
        errors.incrementAndGet();
        if (errorSamples.size() < MAX_ERROR_SAMPLES) {
            errorSamples.add(message.lines().findFirst().orElse(message));
        }
    }

    /** Now, on the clock the windows use. */
    public long now() {
        return System.nanoTime();
    }

    /** The transactions that overlapped {@code [from, to]}, including those still running. */
    public LatencyLog.Window window(long from, long to) {
        long now = System.nanoTime();
        List<Long> running = new ArrayList<>();
        for (Client c : clients) {
            long s = c.running;
            if (s != 0) {
                running.add(s);
            }
        }
        return log.window(from, to, running.stream().mapToLong(Long::longValue).toArray(), now);
    }

    /** Stops every client (cancelling what still runs after a grace period) and waits for them, bounded. */
    @Override
    public void close() {
        stopping = true;
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        for (Client c : clients) {
            join(c, deadline);
        }
        for (Client c : clients) {
            if (c.thread.isAlive()) {
                c.cancel();
                join(c, System.nanoTime() + Duration.ofSeconds(3).toNanos());
            }
        }
    }

    private static void join(Client c, long deadline) {
        long left = deadline - System.nanoTime();
        if (left > 0) {
            try {
                c.thread.join(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What ran. */
    public RehearseResult.Load summary() {
        return new RehearseResult.Load(clients.size(), targets.stream().map(Target::table).toList(), log.size(),
                missing.get(), errors.get(), List.copyOf(errorSamples), log.max());
    }

    private final class Client implements Runnable {

        final Thread thread;
        final Random random;
        volatile long running;
        volatile Statement current;
        Connection connection;

        Client(int n, Random random) {
            this.random = random;
            this.thread = new Thread(this, "rehearsal-app-client-" + n);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            try {
                while (!stopping) {
                    transaction();
                    try {
                        Thread.sleep(THINK_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            } finally {
                closeConnection();
            }
        }

        void transaction() {
            Target t = targets.get(random.nextInt(targets.size()));
            int i = random.nextInt(t.keys().size());
            UUID tenant = t.keyTenants().get(i);
            boolean write = t.column() != null && random.nextBoolean();
            String sql = write
                    ? "UPDATE " + quote(t.table()) + " SET " + quote(t.column()) + " = " + quote(t.column()) + " WHERE " + quote(t.key()) + " = ?"
                    : "SELECT * FROM " + quote(t.table()) + " WHERE " + quote(t.key()) + " = ?";
            long start = System.nanoTime();
            running = start;
            try {
                if (connection == null || connection.isClosed()) {
                    connection = dataSource.getConnection();
                    connection.setAutoCommit(false);
                }
                boolean found;
                try (PreparedStatement set = connection.prepareStatement("SELECT set_config('app.current_tenant_id', ?, true)")) {
                    current = set;
                    set.setString(1, tenant == null ? "" : tenant.toString());
                    set.execute();
                }
                try (PreparedStatement s = connection.prepareStatement(sql)) {
                    current = s;
                    s.setObject(1, t.keys().get(i));
                    if (write) {
                        found = s.executeUpdate() > 0;
                    } else {
                        try (ResultSet rs = s.executeQuery()) {
                            found = rs.next();
                        }
                    }
                }
                connection.commit();
                if (!found) {
                    missing.incrementAndGet(); // the row is elsewhere (archived) at this version
                }
            } catch (SQLException e) {
                rollback();
                String state = e.getSQLState() == null ? "" : e.getSQLState();
                if (state.equals("42P01") || state.equals("42703") || state.equals("0A000")) {
                    // table or column absent at this version, or a cached plan whose result type the migration changed
                    missing.incrementAndGet();
                } else if (!(stopping && state.equals("57014"))) {
                    error(t.table() + ": " + state + " " + e.getMessage());
                    if (state.startsWith("08")) {
                        closeConnection();
                    }
                }
            } finally {
                current = null;
                log.add(start, System.nanoTime());
                running = 0;
            }
        }

        void rollback() {
            try {
                if (connection != null && !connection.isClosed()) {
                    connection.rollback();
                }
            } catch (SQLException ignored) {
                closeConnection();
            }
        }

        void cancel() {
            Statement s = current;
            if (s != null) {
                try {
                    s.cancel();
                } catch (SQLException ignored) {
                    // the thread is a daemon; it ends with the JVM at the latest
                }
            }
        }

        void closeConnection() {
            try {
                if (connection != null) {
                    connection.close();
                }
            } catch (SQLException ignored) {
                // nothing to do
            } finally {
                connection = null;
            }
        }
    }
}
