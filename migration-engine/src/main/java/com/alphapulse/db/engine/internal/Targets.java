package com.alphapulse.db.engine.internal;

import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.MigrationException.Code;
import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.migrations.Version;
import java.util.List;
import java.util.Locale;

/**
 * Target syntax, resolved against a migration set: upgrade {@code head}, {@code +N} or a version; downgrade
 * {@code -N}, a version or {@code base} (below the first version, {@link Version#BASE}).
 */
final class Targets {

    private Targets() {}

    /** The label of a version as the archive and Flyway's callbacks store it (a number, 0 for base). */
    static String label(int number) {
        return Version.of(number).label();
    }

    /** The set's version {@code v}; UNKNOWN_VERSION when the history records one the set does not have. */
    static SchemaVersion version(MigrationSet set, Version v) {
        return set.get(v).orElseThrow(() -> new MigrationException(Code.UNKNOWN_VERSION,
                "version " + v.label() + " is recorded in the history but unknown to this schema; known versions: "
                        + set.labels()));
    }

    /** The versions above {@code low} up to and including {@code high}, oldest first. */
    static List<SchemaVersion> between(MigrationSet set, Version low, Version high) {
        return set.between(low, high);
    }

    /** The version an upgrade from {@code current} to {@code text} ends at. */
    static Version upgrade(MigrationSet set, String text, Version current) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) {
            throw new MigrationException(Code.INVALID_TARGET, "no upgrade target given; use head, +N or a version");
        }
        List<SchemaVersion> all = set.versions();
        if (t.equals("head")) {
            return set.head().version();
        }
        if (t.startsWith("+")) {
            int n = count(text, t.substring(1));
            int index = indexAtOrBelow(set, current) + n;
            if (index >= all.size()) {
                throw new MigrationException(Code.INVALID_TARGET, "upgrade target " + text.trim() + " goes beyond head ("
                        + set.head().label() + "): from " + current.label() + " only "
                        + (all.size() - 1 - indexAtOrBelow(set, current)) + " version(s) remain");
            }
            return all.get(index).version();
        }
        if (t.startsWith("-")) {
            throw new MigrationException(Code.INVALID_TARGET, "upgrade target " + text.trim() + " points down; use downgrade");
        }
        SchemaVersion v = find(set, text);
        if (v.version().isBelow(current)) {
            throw new MigrationException(Code.INVALID_TARGET, "upgrade target " + v.label() + " is below the current version "
                    + current.label() + "; use downgrade");
        }
        return v.version();
    }

    /** The version a downgrade from {@code current} to {@code text} ends at ({@link Version#BASE} for base). */
    static Version downgrade(MigrationSet set, String text, Version current) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) {
            throw new MigrationException(Code.INVALID_TARGET, "no downgrade target given; use -N, a version or base");
        }
        if (t.equals(Version.BASE.label())) {
            return Version.BASE;
        }
        if (t.startsWith("-")) {
            int n = count(text, t.substring(1));
            int index = indexAtOrBelow(set, current) - n;
            if (index < -1) {
                throw new MigrationException(Code.INVALID_TARGET, "downgrade target " + text.trim() + " goes below base: "
                        + current.label() + " has only " + (indexAtOrBelow(set, current) + 1) + " version(s) applied");
            }
            return index < 0 ? Version.BASE : set.versions().get(index).version();
        }
        if (t.startsWith("+") || t.equals("head")) {
            throw new MigrationException(Code.INVALID_TARGET, "downgrade target " + text.trim() + " points up; use upgrade");
        }
        SchemaVersion v = find(set, text);
        if (v.version().isAbove(current)) {
            throw new MigrationException(Code.INVALID_TARGET, "downgrade target " + v.label() + " is above the current version "
                    + current.label() + "; use upgrade");
        }
        return v.version();
    }

    /** A version the caller named, or {@code UNKNOWN_VERSION}. */
    static SchemaVersion find(MigrationSet set, String text) {
        return set.find(text).orElseThrow(() -> new MigrationException(Code.UNKNOWN_VERSION,
                "unknown schema version '" + (text == null ? "" : text.trim()) + "'; known versions: " + set.labels()));
    }

    private static int count(String text, String digits) {
        if (!digits.matches("\\d{1,4}") || Integer.parseInt(digits) == 0) {
            throw new MigrationException(Code.INVALID_TARGET, "malformed relative target '" + text.trim()
                    + "'; expected +N or -N with N >= 1");
        }
        return Integer.parseInt(digits);
    }

    /** The index of the highest known version not above {@code current}; -1 for none. */
    private static int indexAtOrBelow(MigrationSet set, Version current) {
        List<SchemaVersion> all = set.versions();
        int index = -1;
        for (int i = 0; i < all.size(); i++) {
            if (!all.get(i).version().isAbove(current)) {
                index = i;
            }
        }
        return index;
    }
}
