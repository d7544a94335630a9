package com.alphapulse.db.cli.internal;

/**
 * One setting that is not about the server (timeouts, retries, output format): the flag when given, else its
 * {@code ALPHAPULSE_*} variable, else the config file's key, else the default; a bad value names where it came from.
 */
final class Setting {

    private Setting() {}

    /** The raw value and where it came from, or null when neither the environment nor the file sets it. */
    private static String[] lookup(String variable, String key, Environment env, ConfigFile file) {
        String v = env.get(variable);
        if (v != null) {
            return new String[] {v.strip(), variable};
        }
        v = file.get(key);
        return v == null ? null : new String[] {v, "'" + key + "' in " + file.where(key)};
    }

    static double seconds(Double flag, String variable, String key, double fallback, Environment env, ConfigFile file) {
        if (flag != null) {
            return flag;
        }
        String[] v = lookup(variable, key, env, file);
        if (v == null) {
            return fallback;
        }
        double d;
        try {
            d = Double.parseDouble(v[0]);
        } catch (NumberFormatException e) {
            throw new ConfigException(v[1] + " is not a number of seconds: '" + v[0] + "'");
        }
        if (!EngineOptions.validSeconds(d)) {
            throw new ConfigException(v[1] + " must be a finite number of seconds, at least 0.001: '" + v[0] + "'");
        }
        return d;
    }

    static int count(Integer flag, String variable, String key, int fallback, Environment env, ConfigFile file) {
        if (flag != null) {
            return flag;
        }
        String[] v = lookup(variable, key, env, file);
        if (v == null) {
            return fallback;
        }
        int n;
        try {
            n = Integer.parseInt(v[0]);
        } catch (NumberFormatException e) {
            throw new ConfigException(v[1] + " is not a whole number: '" + v[0] + "'");
        }
        if (n < 0) {
            throw new ConfigException(v[1] + " must be 0 or more: '" + v[0] + "'");
        }
        return n;
    }

    static <E extends Enum<E>> E choice(E flag, Class<E> type, String variable, String key, E fallback, Environment env,
            ConfigFile file) {
        if (flag != null) {
            return flag;
        }
        String[] v = lookup(variable, key, env, file);
        if (v == null) {
            return fallback;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v[0])) {
                return e;
            }
        }
        throw new ConfigException(v[1] + " is not one of " + java.util.Arrays.toString(type.getEnumConstants()) + ": '" + v[0] + "'");
    }
}
