package com.alphapulse.db.cli.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * A connection URL as settings: {@code postgres://} and {@code postgresql://} URIs as libpq reads them
 * ({@code user:password@h1:p1,h2:p2/db?param=value}, percent-decoded, libpq's parameters converted to pgjdbc's), and
 * {@code jdbc:postgresql://} URLs as pgjdbc reads them. Keys: {@code host}, {@code port} (comma lists),
 * {@code dbname}, {@code user}, {@code password}, {@code sslmode}, {@code service}, and pgjdbc property names.
 */
final class PgUri {

    static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    private PgUri() {}

    static boolean isUri(String url) {
        String u = url.toLowerCase(Locale.ROOT);
        return u.startsWith("postgres://") || u.startsWith("postgresql://");
    }

    /** Whether the URL carries a password (in its user-info or as a parameter). */
    static boolean hasPassword(String url) {
        try {
            return parse(url, "url").containsKey("password");
        } catch (UsageException e) {
            return url.matches("(?s).*(://[^/@]*:[^/@]*@|[?&]password=).*");
        }
    }

    /** The settings a URL names; {@code where} says which option or variable it came from, for messages. */
    static Map<String, String> parse(String url, String where) {
        String u = url.trim();
        if (isUri(u)) {
            return uri(u, where);
        }
        if (u.startsWith("jdbc:postgresql:")) {
            return jdbc(u, where);
        }
        // The text is not echoed: a mistyped scheme (postgres:/u:pw@h) would slip past every user-info filter.
        throw new UsageException("not a PostgreSQL URL in " + where + scheme(u) + " (expected postgres://user@host:port/database or "
                + "jdbc:postgresql://host:port/database)");
    }

    /** ", it starts 'xyz:'" when the text starts with a plausible scheme name; nothing of the rest of it. */
    private static String scheme(String url) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]{0,19}):").matcher(url);
        return m.find() ? ", it starts '" + m.group(1) + ":'" : "";
    }

    private static Map<String, String> jdbc(String url, String where) {
        if (!url.matches("jdbc:postgresql://[^/?:,\\[\\]@]+.*") && !url.matches("jdbc:postgresql://\\[.*")) {
            throw new UsageException("malformed JDBC URL in " + where + ": no host after jdbc:postgresql://");
        }
        int q = url.indexOf('?');
        // Only the host, port and database go through pgjdbc's parser: given user= and no password=, its parseURL
        // reads the real PGPASSFILE or ~/.pgpass itself (not this Environment's, and without the 0600 rule), and it
        // resolves service= from its own pg_service.conf look-up. The query is read here, as pgjdbc reads it.
        Properties p;
        try {
            p = org.postgresql.Driver.parseURL(q < 0 ? url : url.substring(0, q), null);
        } catch (RuntimeException e) {
            p = null;
        }
        if (p == null) {
            throw new UsageException("malformed JDBC URL in " + where + " (expected jdbc:postgresql://host:port/database)");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String name : p.stringPropertyNames()) {
            String v = p.getProperty(name);
            switch (name) {
                case "PGHOST" -> m.put("host", v);
                case "PGPORT" -> m.put("port", v);
                case "PGDBNAME" -> m.put("dbname", v);
                default -> m.put(name, v);
            }
        }
        if (q >= 0) {
            for (String pair : url.substring(q + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String raw = eq < 0 ? "" : pair.substring(eq + 1);
                if (key.equals("password") || key.equals("sslpassword")) {
                    Redacting.secret(raw);
                }
                String value;
                try {
                    value = java.net.URLDecoder.decode(raw, StandardCharsets.UTF_8); // pgjdbc's URLCoder.decode
                } catch (IllegalArgumentException e) {
                    throw new UsageException("malformed percent-encoding in " + where);
                }
                if (key.equals("password") || key.equals("sslpassword")) {
                    Redacting.secret(value);
                }
                // service is resolved like a URI's (this Environment's PGSERVICEFILE, PGSYSCONFDIR), not by pgjdbc
                m.put(key, value);
            }
        }
        return m;
    }

    private static Map<String, String> uri(String url, String where) {
        String rest = url.substring(url.indexOf("://") + 3);
        Map<String, String> m = new LinkedHashMap<>();
        // The user-info first, as libpq looks for it before the query: it ends at the last '@' before the first '/'
        // (a '?' or '@' in a password is part of it; '/' must be written %2F), and it is a secret before any message
        // can quote it.
        int slash = rest.indexOf('/');
        int at = rest.lastIndexOf('@', slash < 0 ? rest.length() : slash);
        if (at >= 0) {
            String info = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = info.indexOf(':');
            if (colon >= 0) {
                Redacting.secret(info.substring(colon + 1));
            }
            String user = decode(colon < 0 ? info : info.substring(0, colon), where);
            if (!user.isEmpty()) {
                m.put("user", user);
            }
            if (colon >= 0) {
                String password = decode(info.substring(colon + 1), where);
                Redacting.secret(password);
                m.put("password", password);
            }
        }
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        slash = rest.indexOf('/');
        String hostList = slash < 0 ? rest : rest.substring(0, slash);
        if (slash >= 0) {
            String db = decode(rest.substring(slash + 1), where);
            if (!db.isEmpty()) {
                m.put("dbname", db);
            }
        }
        if (!hostList.isEmpty()) {
            java.util.List<String> hosts = new java.util.ArrayList<>();
            java.util.List<String> ports = new java.util.ArrayList<>();
            for (String hp : hostList.split(",", -1)) {
                String host;
                String port = "";
                if (hp.startsWith("[")) {
                    int end = hp.indexOf(']');
                    if (end < 0 || (hp.length() > end + 1 && hp.charAt(end + 1) != ':')) {
                        throw new UsageException("malformed URI in " + where + ": bad [IPv6 address]");
                    }
                    host = hp.substring(1, end);
                    port = hp.length() > end + 1 ? hp.substring(end + 2) : "";
                } else {
                    int colon = hp.lastIndexOf(':');
                    host = decode(colon < 0 ? hp : hp.substring(0, colon), where);
                    port = colon < 0 ? "" : hp.substring(colon + 1);
                }
                if (!port.isEmpty() && !port.matches("\\d{1,5}")) {
                    throw new UsageException("malformed URI in " + where + ": port '" + port + "' is not a number");
                }
                hosts.add(host);
                ports.add(port);
            }
            if (hosts.stream().anyMatch(h -> !h.isEmpty())) {
                m.put("host", String.join(",", hosts));
            }
            if (ports.stream().anyMatch(p -> !p.isEmpty())) {
                m.put("port", String.join(",", ports.stream().map(p -> p.isEmpty() ? "5432" : p).toList()));
            }
        }
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new UsageException("malformed URI in " + where + ": parameter without a value");
                }
                String key = decode(pair.substring(0, eq), where);
                if (key.equals("password") || key.equals("sslpassword")) {
                    Redacting.secret(pair.substring(eq + 1));
                }
                String value = decode(pair.substring(eq + 1), where);
                if (key.equals("password") || key.equals("sslpassword")) {
                    Redacting.secret(value);
                }
                put(m, key, value, where);
            }
        }
        return m;
    }

    /**
     * Puts a libpq connection parameter (a URI's query, a service file's line) into {@code m} under its name here:
     * the core names as they are, the others as pgjdbc's properties; unknown ones are refused.
     */
    static void put(Map<String, String> m, String key, String value, String where) {
        switch (key) {
            case "host", "hostaddr", "dbname", "user", "password", "service", "options", "sslcert", "sslkey", "sslrootcert",
                    "sslpassword" -> m.put(key, value);
            case "port" -> {
                if (!value.matches("\\s*(\\d{1,5})?\\s*(,\\s*(\\d{1,5})?\\s*)*")) {
                    throw new UsageException("port '" + value + "' in " + where + " is not a number");
                }
                m.put(key, value);
            }
            case "sslmode" -> {
                if (!SSL_MODES.contains(value)) {
                    throw new UsageException("sslmode '" + value + "' in " + where + " is not one of " + String.join(", ",
                            new java.util.TreeSet<>(SSL_MODES)));
                }
                m.put("sslmode", value);
            }
            case "application_name", "fallback_application_name" -> m.putIfAbsent("ApplicationName", value);
            case "connect_timeout" -> {
                if (!value.matches("\\d+")) {
                    throw new UsageException("connect_timeout '" + value + "' in " + where + " is not a number of seconds");
                }
                m.put("connectTimeout", value);
            }
            case "target_session_attrs" -> m.put("targetServerType", switch (value) {
                case "any" -> "any";
                case "read-write", "primary" -> "primary";
                case "read-only", "standby" -> "secondary";
                case "prefer-standby" -> "preferSecondary";
                default -> throw new UsageException("target_session_attrs '" + value + "' in " + where + " is not supported");
            });
            case "keepalives" -> m.put("tcpKeepAlive", "0".equals(value) ? "false" : "true");
            case "sslnegotiation", "gssencmode", "keepalives_idle", "keepalives_interval", "keepalives_count" -> {
                // libpq tuning pgjdbc has no equivalent for; accepted so that a pasted URI still works
            }
            default -> throw new UsageException("unsupported connection parameter '" + key + "' in " + where
                    + " (supported: host, port, dbname, user, password, sslmode, application_name, connect_timeout, "
                    + "target_session_attrs, options, sslcert, sslkey, sslrootcert, service)");
        }
    }

    private static String decode(String s, String where) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0 || Character.digit(s.charAt(i + 2), 16) < 0) {
                    throw new UsageException("malformed percent-encoding in " + where);
                }
                bytes.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
