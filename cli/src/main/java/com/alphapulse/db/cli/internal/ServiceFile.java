package com.alphapulse.db.cli.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A connection service from libpq's {@code pg_service.conf}: {@code [name]} sections of {@code key=value} lines
 * with libpq's parameter names, looked up in {@code PGSERVICEFILE} (default {@code ~/.pg_service.conf}), then in
 * {@code PGSYSCONFDIR/pg_service.conf}. pgjdbc has a parser too, but it wants pgjdbc's property names
 * ({@code PGHOST}), not libpq's ({@code host}), so a DBA's existing file would not load.
 */
final class ServiceFile {

    private ServiceFile() {}

    /** The settings of service {@code name}; a service that no file defines is a configuration error. */
    static Map<String, String> lookup(String name, Environment env) {
        List<Path> files = new ArrayList<>();
        String user = env.get("PGSERVICEFILE");
        files.add(user != null ? env.workingDirectory().resolve(user) : env.home().resolve(".pg_service.conf"));
        String sysconf = env.get("PGSYSCONFDIR");
        if (sysconf != null) {
            files.add(env.workingDirectory().resolve(sysconf).resolve("pg_service.conf"));
        }
        for (Path file : files) {
            if (Files.isRegularFile(file)) {
                Map<String, String> found = read(file, name);
                if (found != null) {
                    return found;
                }
            }
        }
        throw new ConfigException("definition of service \"" + name + "\" not found (looked in "
                + String.join(", ", files.stream().map(Path::toString).toList()) + ")");
    }

    /** The section {@code name} of {@code file}, or null when the file has none; the first section of a name counts. */
    static Map<String, String> read(Path file, String name) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read service file " + file + ": " + e.getMessage());
        }
        Map<String, String> result = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + ":" + (i + 1);
            if (line.startsWith("[") && line.endsWith("]")) {
                if (result != null) {
                    return result;
                }
                if (line.substring(1, line.length() - 1).equals(name)) {
                    result = new LinkedHashMap<>();
                }
                continue;
            }
            if (result == null) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("syntax error in service file " + where + ": expected key=value");
            }
            String key = line.substring(0, eq).strip();
            if (key.equals("service")) {
                throw new ConfigException("nested service specifications not supported in service file " + where);
            }
            try {
                Map<String, String> one = new LinkedHashMap<>();
                PgUri.put(one, key, line.substring(eq + 1).strip(), "service file " + where);
                one.forEach(result::putIfAbsent);
            } catch (UsageException e) {
                throw new ConfigException(e.getMessage());
            }
            if (key.equals("password")) {
                Redacting.secret(result.get("password"));
            }
        }
        return result;
    }
}
