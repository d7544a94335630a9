package com.alphapulse.db.cli.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which server, as which user: every setting is taken from the first source that has it, in this order:
 * <ol>
 *   <li>flags ({@code --url}, {@code --user}, {@code --password});</li>
 *   <li>{@code ALPHAPULSE_DB_URL}, {@code ALPHAPULSE_DB_USER}, {@code ALPHAPULSE_DB_PASSWORD};</li>
 *   <li>the service's settings, when a service is named above or by {@code PGSERVICE} (a service beats the
 *       {@code PG*} variables, as in libpq);</li>
 *   <li>{@code PGHOST}, {@code PGPORT}, {@code PGDATABASE}, {@code PGUSER}, {@code PGPASSWORD}, {@code PGSSLMODE}, …;</li>
 *   <li>the config file ({@code url}, {@code host}, …), then a service it names;</li>
 *   <li>the password file, for the password;</li>
 *   <li>libpq's defaults: localhost, 5432, the OS user, a database named like the user.</li>
 * </ol>
 * A URL at one level hides the server settings ({@link #SERVER}) of the levels below it. A bad value from a variable
 * or the config file is a {@link ConfigException} (exit 9), from a flag a {@link UsageException} (exit 2).
 * Only a host, port, database, service or URL names a server; without one the command runs on an embedded one.
 */
final class ServerSettings {

    /** Settings that name a server; a user or password alone does not. */
    private static final Set<String> NAMING = Set.of("host", "hostaddr", "port", "dbname", "service");
    private static final Set<String> CORE = Set.of("host", "hostaddr", "port", "dbname", "user", "password", "service");
    /**
     * What a URL given at one level hides at the levels below it: the server and how to reach it. A lower level's
     * {@code sslmode = disable} must not weaken an explicit {@code --url} to another host; a user or password may still
     * come from below, as libpq's variables fill in what a connection string leaves out.
     */
    private static final Set<String> SERVER = Set.of("host", "hostaddr", "port", "dbname", "sslmode", "service");
    private static final Map<String, String> PG_VARIABLES = pgVariables();

    private ServerSettings() {}

    private static Map<String, String> pgVariables() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("PGHOST", "host");
        m.put("PGHOSTADDR", "hostaddr");
        m.put("PGPORT", "port");
        m.put("PGDATABASE", "dbname");
        m.put("PGUSER", "user");
        m.put("PGPASSWORD", "password");
        m.put("PGSSLMODE", "sslmode");
        m.put("PGSERVICE", "service");
        m.put("PGAPPNAME", "application_name");
        m.put("PGCONNECT_TIMEOUT", "connect_timeout");
        m.put("PGOPTIONS", "options");
        m.put("PGTARGETSESSIONATTRS", "target_session_attrs");
        m.put("PGSSLCERT", "sslcert");
        m.put("PGSSLKEY", "sslkey");
        m.put("PGSSLROOTCERT", "sslrootcert");
        return m;
    }

    static Target resolve(ConnectionOptions flags, ConfigFile file, Environment env, Consumer<String> warn) {
        Map<String, String> fromFlags = new LinkedHashMap<>();
        if (flags.url != null && !flags.url.isBlank()) {
            fromFlags.putAll(PgUri.parse(flags.url, "--url"));
            fromFlags.putIfAbsent("dbname", null); // a URL names a server, even postgres:// alone
        }
        if (flags.user != null && !flags.user.isBlank()) {
            fromFlags.put("user", flags.user);
        }
        if (flags.password != null) {
            fromFlags.put("password", flags.password());
        }
        Map<String, String> fromAlphaPulse = new LinkedHashMap<>();
        String url = env.get("ALPHAPULSE_DB_URL");
        if (url != null) {
            fromAlphaPulse.putAll(configured(() -> PgUri.parse(url, "ALPHAPULSE_DB_URL")));
            fromAlphaPulse.putIfAbsent("dbname", null);
        }
        putIfSet(fromAlphaPulse, "user", env.get("ALPHAPULSE_DB_USER"));
        putIfSet(fromAlphaPulse, "password", env.get("ALPHAPULSE_DB_PASSWORD"));
        Map<String, String> fromPg = new LinkedHashMap<>();
        PG_VARIABLES.forEach((variable, key) -> {
            String v = env.get(variable);
            if (v != null) {
                configured(() -> {
                    PgUri.put(fromPg, key, v, variable);
                    return null;
                });
            }
        });
        Map<String, String> fromFile = new LinkedHashMap<>();
        if (file.get("url") != null) {
            fromFile.putAll(configured(() -> PgUri.parse(file.get("url"), file.where("url"))));
            fromFile.putIfAbsent("dbname", null);
        }
        for (String[] k : new String[][] {{"host", "host"}, {"port", "port"}, {"database", "dbname"}, {"user", "user"},
                {"password", "password"}, {"sslmode", "sslmode"}, {"service", "service"}}) {
            if (file.get(k[0]) != null) {
                configured(() -> {
                    PgUri.put(fromFile, k[1], file.get(k[0]), file.where(k[0]));
                    return null;
                });
            }
        }
        List<Map<String, String>> levels = new ArrayList<>(List.of(fromFlags, fromAlphaPulse, fromPg, fromFile));
        boolean[] hasUrl = {flags.url != null && !flags.url.isBlank(), url != null, false, file.get("url") != null};
        for (int i = 0; i < hasUrl.length; i++) {
            if (hasUrl[i]) {
                for (Map<String, String> lower : levels.subList(i + 1, levels.size())) {
                    lower.keySet().removeAll(SERVER);
                }
                break;
            }
        }
        boolean named = levels.stream().anyMatch(l -> l.keySet().stream().anyMatch(NAMING::contains));
        if (!named) {
            return Target.EMBEDDED;
        }
        String service = first(levels, "service");
        if (service != null) {
            Map<String, String> fromService = ServiceFile.lookup(service, env);
            boolean onlyInFile = first(List.of(fromFlags, fromAlphaPulse, fromPg), "service") == null;
            levels.add(onlyInFile ? 4 : 2, fromService);
        }
        Map<String, String> s = new LinkedHashMap<>();
        for (Map<String, String> level : levels) {
            level.forEach((k, v) -> {
                if (v != null) {
                    s.putIfAbsent(k, v);
                }
            });
        }
        return target(s, env, warn);
    }

    /** A bad value from an environment variable or the config file is a configuration error (exit 9), not a usage one. */
    private static <T> T configured(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (UsageException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static Target target(Map<String, String> s, Environment env, Consumer<String> warn) {
        String hostaddr = s.get("hostaddr");
        if (hostaddr != null) {
            // libpq would connect to hostaddr and still check the certificate and match ~/.pgpass against host;
            // pgjdbc has one address per host, so the two together cannot be honoured
            if (s.get("host") != null) {
                throw new UsageException("both host (" + s.get("host") + ") and hostaddr (" + hostaddr + ") are given; the JDBC "
                        + "driver has no separate hostaddr: give only host (a name or an address)");
            }
            s.put("host", hostaddr);
        }
        List<String> hosts = new ArrayList<>();
        for (String h : s.getOrDefault("host", "localhost").split(",", -1)) {
            h = h.strip();
            if (h.startsWith("/")) {
                throw new UsageException("host " + h + " is a Unix-domain socket directory; the JDBC driver connects "
                        + "over TCP only: name a host, e.g. PGHOST=localhost");
            }
            hosts.add(h.isEmpty() ? "localhost" : h);
        }
        List<String> ports = new ArrayList<>();
        for (String p : s.getOrDefault("port", "5432").split(",", -1)) {
            p = p.strip();
            if (!p.isEmpty() && !p.matches("\\d{1,5}")) {
                throw new UsageException("port '" + p + "' is not a number");
            }
            ports.add(p.isEmpty() ? "5432" : p);
        }
        if (ports.size() == 1) {
            while (ports.size() < hosts.size()) {
                ports.add(ports.get(0));
            }
        } else if (ports.size() != hosts.size()) {
            throw new UsageException(hosts.size() + " hosts but " + ports.size() + " ports: give one port, or one per host");
        }
        String user = s.getOrDefault("user", env.osUser());
        String database = s.getOrDefault("dbname", user);
        String password = s.get("password");
        if (password == null) {
            password = PgPass.password(env, hosts.get(0), ports.get(0), database, user, warn);
        }
        Redacting.secret(password);
        String sslmode = s.getOrDefault("sslmode", "prefer");
        StringBuilder url = new StringBuilder("jdbc:postgresql://");
        for (int i = 0; i < hosts.size(); i++) {
            String h = hosts.get(i);
            url.append(i == 0 ? "" : ",").append(h.contains(":") ? "[" + h + "]" : h).append(':').append(ports.get(i));
        }
        url.append('/').append(encode(database));
        Map<String, String> params = new LinkedHashMap<>();
        s.forEach((k, v) -> {
            if (!CORE.contains(k)) {
                params.put(k, v);
            }
        });
        params.put("sslmode", sslmode);
        params.putIfAbsent("ApplicationName", "alphapulse-db-cli");
        params.putIfAbsent("connectTimeout", "10");
        char sep = '?';
        for (Map.Entry<String, String> p : params.entrySet()) {
            url.append(sep).append(encode(p.getKey())).append('=').append(encode(p.getValue()));
            sep = '&';
        }
        return new Target(false, url.toString(), user, password, List.copyOf(hosts), List.copyOf(ports), database, sslmode);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void putIfSet(Map<String, String> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    private static String first(List<Map<String, String>> levels, String key) {
        for (Map<String, String> level : levels) {
            if (level.get(key) != null) {
                return level.get(key);
            }
        }
        return null;
    }
}
