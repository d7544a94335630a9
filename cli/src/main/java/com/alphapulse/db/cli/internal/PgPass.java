package com.alphapulse.db.cli.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.postgresql.jdbcurlresolver.PgPassParser;

/**
 * The password file as libpq reads it: {@code PGPASSFILE}, else {@code ~/.pgpass}; ignored with a warning when its
 * group or others have any access. The lines are matched by pgjdbc's {@link PgPassParser} (libpq's
 * {@code host:port:db:user:password} with {@code *} and {@code \:} escapes); which file it reads, and whether it
 * reads one, is decided here.
 */
final class PgPass {

    /** The system property through which pgjdbc's parser, and the driver's own look-up on connect, find the file. */
    static final String PROPERTY = "org.postgresql.pgpassfile";
    private static final Set<PosixFilePermission> OWNER = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private PgPass() {}

    /** The password for this connection, or null; {@code warn} gets libpq's warning for a file others can read. */
    static String password(Environment env, String host, String port, String database, String user,
            java.util.function.Consumer<String> warn) {
        String named = env.get("PGPASSFILE");
        Path file = named != null ? env.workingDirectory().resolve(named) : env.home().resolve(".pgpass");
        // The driver looks the password up again when none is set: it must read the same file, or none.
        System.setProperty(PROPERTY, "/dev/null");
        if (!Files.exists(file)) {
            return null;
        }
        if (!Files.isRegularFile(file)) {
            warn.accept("WARNING: password file \"" + file + "\" is not a plain file");
            return null;
        }
        Set<PosixFilePermission> mode;
        try {
            mode = ConfigFile.permissions(file);
        } catch (java.io.IOException e) {
            // fail closed, like a file others can read: libpq does not use a file it cannot stat
            warn.accept("WARNING: password file \"" + file + "\" cannot be checked (" + e.getMessage() + "); it is ignored");
            return null;
        }
        if (mode != null && !ownerOnly(mode)) {
            warn.accept("WARNING: password file \"" + file + "\" has group or world access; permissions should be u=rw (0600) "
                    + "or less; it is ignored");
            return null;
        }
        System.setProperty(PROPERTY, file.toString());
        String password = PgPassParser.getPassword(host, port, database, user);
        Redacting.secret(password);
        return password;
    }

    static boolean ownerOnly(Set<PosixFilePermission> mode) {
        return OWNER.containsAll(mode);
    }

    static String octal(Set<PosixFilePermission> mode) {
        int bits = 0;
        for (PosixFilePermission p : mode) {
            bits |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", bits) + " " + PosixFilePermissions.toString(mode);
    }
}
