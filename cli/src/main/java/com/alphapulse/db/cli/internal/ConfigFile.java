package com.alphapulse.db.cli.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code alphapulse.conf}: {@code key = value} lines, {@code #} comments, the lowest-ranked source of settings (flags
 * beat environment variables, which beat the file). Found as {@code --config FILE}, else {@code ALPHAPULSE_CONFIG},
 * else {@code alphapulse.conf} in the working directory; a file named explicitly must exist.
 */
final class ConfigFile {

    static final String NAME = "alphapulse.conf";
    static final String ENV = "ALPHAPULSE_CONFIG";
    static final ConfigFile NONE = new ConfigFile(null, Map.of(), Map.of());

    /** Connection keys, then the engine's and the output's. */
    static final List<String> KEYS = List.of("url", "host", "port", "database", "user", "password", "sslmode", "service",
            "lock-timeout", "statement-timeout", "lock-retries", "output");

    private final Path path;
    private final Map<String, String> values;
    private final Map<String, Integer> lines;

    private ConfigFile(Path path, Map<String, String> values, Map<String, Integer> lines) {
        this.path = path;
        this.values = values;
        this.lines = lines;
    }

    static ConfigFile find(Path explicit, Environment env) {
        if (explicit != null) {
            return load(env.workingDirectory().resolve(explicit), "--config");
        }
        String named = env.get(ENV);
        if (named != null) {
            return load(env.workingDirectory().resolve(named), ENV);
        }
        Path local = env.workingDirectory().resolve(NAME);
        return Files.isRegularFile(local) ? load(local, null) : NONE;
    }

    static ConfigFile load(Path file, String namedBy) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config file " + file + (namedBy == null ? "" : " (" + namedBy + ")") + " does not exist");
        }
        List<String> text;
        try {
            text = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        for (int i = 0; i < text.size(); i++) {
            String line = text.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String where = file + ":" + (i + 1);
            if (eq <= 0) {
                throw new ConfigException(where + ": expected key = value");
            }
            String key = line.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT);
            if (key.equals("dbname")) {
                key = "database";
            }
            if (!KEYS.contains(key)) {
                throw new ConfigException(where + ": unknown key '" + key + "'; known keys: " + String.join(", ", KEYS));
            }
            if (values.containsKey(key)) {
                throw new ConfigException(where + ": '" + key + "' is set twice (first on line " + lines.get(key) + ")");
            }
            String value = line.substring(eq + 1).strip();
            values.put(key, value);
            lines.put(key, i + 1);
            if (key.equals("password")) {
                Redacting.secret(value);
            }
        }
        ConfigFile config = new ConfigFile(file, values, lines);
        config.requirePrivateIfSecret();
        return config;
    }

    /** libpq's rule for ~/.pgpass, applied to a file holding a password, except that this one is refused, not ignored. */
    private void requirePrivateIfSecret() {
        String url = values.get("url");
        boolean secret = values.containsKey("password") || (url != null && PgUri.hasPassword(url));
        if (!secret) {
            return;
        }
        Set<PosixFilePermission> mode;
        try {
            mode = permissions(path);
        } catch (IOException e) {
            // fail closed: a password file whose access cannot be checked is not trusted to be private
            throw new ConfigException("config file " + path + " holds a password but its permissions cannot be read ("
                    + e.getMessage() + "): chmod 600 " + path + ", or keep the password in ~/.pgpass or PGPASSWORD");
        }
        if (mode != null && !PgPass.ownerOnly(mode)) {
            throw new ConfigException("config file " + path + " holds a password but its group or others have access (mode "
                    + PgPass.octal(mode) + "): chmod 600 " + path + ", or keep the password in ~/.pgpass or PGPASSWORD");
        }
    }

    /**
     * The file's permissions, or null where the file system has none (the rule cannot apply there); an I/O error is
     * thrown, so that callers refuse rather than trust the file.
     */
    static Set<PosixFilePermission> permissions(Path file) throws IOException {
        try {
            return Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return null;
        }
    }

    boolean exists() {
        return path != null;
    }

    /** The value of {@code key}, or null when the file does not set it. */
    String get(String key) {
        String v = values.get(key);
        return v == null || v.isEmpty() ? null : v;
    }

    /** Where {@code key} is set, for messages: {@code alphapulse.conf:3}. */
    String where(String key) {
        return path + ":" + lines.get(key);
    }
}
