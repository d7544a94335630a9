package com.alphapulse.db.migrations;

import java.util.Locale;
import java.util.Optional;

/**
 * A schema version, or {@link #BASE}: the state before the first version. Like Flyway's
 * {@code MigrationVersion}, the one way the toolkit names a version; ordered, with {@code BASE} below all.
 *
 * <p>Text forms: {@code "7"}, {@code "007"}, {@code "V007"} and {@code "base"}. {@link #label()} is the
 * three-digit form used in file names and messages, {@link #flywayVersion()} the form Flyway records.
 */
public final class Version implements Comparable<Version> {

    /** Before the first version: nothing applied. */
    public static final Version BASE = new Version(0);

    private final int number;

    private Version(int number) {
        this.number = number;
    }

    /** Version {@code number}; 0 is {@link #BASE}. */
    public static Version of(int number) {
        if (number < 0) {
            throw new IllegalArgumentException("a version is not negative: " + number);
        }
        return number == 0 ? BASE : new Version(number);
    }

    /** The version {@code text} names ("7", "007", "V007", "base"), if it is well formed. */
    public static Optional<Version> parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.equalsIgnoreCase("base")) {
            return Optional.of(BASE);
        }
        if (t.startsWith("V") || t.startsWith("v")) {
            t = t.substring(1);
        }
        if (!t.matches("\\d{1,9}")) {
            return Optional.empty();
        }
        int n = Integer.parseInt(t);
        return n == 0 ? Optional.empty() : Optional.of(new Version(n));
    }

    /** The version Flyway recorded ("7"; Flyway may also write "7.0"). */
    public static Version fromFlyway(String flywayVersion) {
        String t = flywayVersion.trim();
        int dot = t.indexOf('.');
        if (dot >= 0 && t.substring(dot + 1).matches("0*")) {
            t = t.substring(0, dot);
        }
        return of(Integer.parseInt(t));
    }

    public boolean isBase() {
        return number == 0;
    }

    /** The version's number; 0 for {@link #BASE}. */
    public int number() {
        return number;
    }

    /** "007", or "base". */
    public String label() {
        return isBase() ? "base" : String.format(Locale.ROOT, "%03d", number);
    }

    /** The Flyway version string, e.g. "7". */
    public String flywayVersion() {
        return String.valueOf(number);
    }

    public boolean isAbove(Version other) {
        return compareTo(other) > 0;
    }

    public boolean isBelow(Version other) {
        return compareTo(other) < 0;
    }

    @Override
    public int compareTo(Version other) {
        return Integer.compare(number, other.number);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Version v && v.number == number;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(number);
    }

    @Override
    public String toString() {
        return label();
    }
}
