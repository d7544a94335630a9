package com.alphapulse.db.engine.internal;

import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.MigrationException.Code;
import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.migrations.SchemaVersion;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Target syntax: upgrade {@code head}, {@code +N} or a version; downgrade {@code -N}, a version or
 * {@code base} (below the first version). Version 0 stands for "no version".
 */
final class Targets {

    static final String BASE = "base";

    private Targets() {}

    static String label(int number) {
        return number == 0 ? BASE : String.format(Locale.ROOT, "%03d", number);
    }

    static SchemaVersion version(MigrationSet set, int number) {
        return set.versions().stream().filter(v -> v.number() == number).findFirst()
                .orElseThrow(() -> new MigrationException(Code.UNKNOWN_VERSION,
                        "version " + label(number) + " is recorded in the history but unknown to this schema; known versions: "
                                + known(set)));
    }

    /** The versions above {@code low} up to and including {@code high}, oldest first. */
    static List<SchemaVersion> between(MigrationSet set, int low, int high) {
        return set.versions().stream().filter(v -> v.number() > low && v.number() <= high).toList();
    }

    /** The version an upgrade from {@code current} to {@code text} ends at. */
    static int upgrade(MigrationSet set, String text, int current) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) {
            throw new MigrationException(Code.INVALID_TARGET, "no upgrade target given; use head, +N or a version");
        }
        List<SchemaVersion> all = set.versions();
        if (t.equals("head")) {
            return set.head().number();
        }
        if (t.startsWith("+")) {
            int n = count(text, t.substring(1));
            int index = indexAtOrBelow(set, current) + n;
            if (index >= all.size()) {
                throw new MigrationException(Code.INVALID_TARGET, "upgrade target " + text.trim() + " goes beyond head ("
                        + set.head().label() + "): from " + label(current) + " only "
                        + (all.size() - 1 - indexAtOrBelow(set, current)) + " version(s) remain");
            }
            return all.get(index).number();
        }
        if (t.startsWith("-")) {
            throw new MigrationException(Code.INVALID_TARGET, "upgrade target " + text.trim() + " points down; use downgrade");
        }
        SchemaVersion v = find(set, text);
        if (v.number() < current) {
            throw new MigrationException(Code.INVALID_TARGET, "upgrade target " + v.label() + " is below the current version "
                    + label(current) + "; use downgrade");
        }
        return v.number();
    }

    /** The version a downgrade from {@code current} to {@code text} ends at (0 for base). */
    static int downgrade(MigrationSet set, String text, int current) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) {
            throw new MigrationException(Code.INVALID_TARGET, "no downgrade target given; use -N, a version or base");
        }
        if (t.equals(BASE)) {
            return 0;
        }
        if (t.startsWith("-")) {
            int n = count(text, t.substring(1));
            int index = indexAtOrBelow(set, current) - n;
            if (index < -1) {
                throw new MigrationException(Code.INVALID_TARGET, "downgrade target " + text.trim() + " goes below base: "
                        + label(current) + " has only " + (indexAtOrBelow(set, current) + 1) + " version(s) applied");
            }
            return index < 0 ? 0 : set.versions().get(index).number();
        }
        if (t.startsWith("+") || t.equals("head")) {
            throw new MigrationException(Code.INVALID_TARGET, "downgrade target " + text.trim() + " points up; use upgrade");
        }
        SchemaVersion v = find(set, text);
        if (v.number() > current) {
            throw new MigrationException(Code.INVALID_TARGET, "downgrade target " + v.label() + " is above the current version "
                    + label(current) + "; use upgrade");
        }
        return v.number();
    }

    /** A version the caller named, or {@code UNKNOWN_VERSION}. */
    static SchemaVersion find(MigrationSet set, String text) {
        Optional<SchemaVersion> v = set.find(text);
        return v.orElseThrow(() -> new MigrationException(Code.UNKNOWN_VERSION,
                "unknown schema version '" + (text == null ? "" : text.trim()) + "'; known versions: " + known(set)));
    }

    private static int count(String text, String digits) {
        if (!digits.matches("\\d{1,4}") || Integer.parseInt(digits) == 0) {
            throw new MigrationException(Code.INVALID_TARGET, "malformed relative target '" + text.trim()
                    + "'; expected +N or -N with N >= 1");
        }
        return Integer.parseInt(digits);
    }

    /** The index of the highest known version not above {@code current}; -1 for none. */
    private static int indexAtOrBelow(MigrationSet set, int current) {
        List<SchemaVersion> all = set.versions();
        int index = -1;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).number() <= current) {
                index = i;
            }
        }
        return index;
    }

    private static String known(MigrationSet set) {
        return String.join(", ", set.versions().stream().map(SchemaVersion::label).toList());
    }
}
