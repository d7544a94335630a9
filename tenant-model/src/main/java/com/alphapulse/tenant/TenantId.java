package com.alphapulse.tenant;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The id of a tenant: a UUID, the value row-level security compares every tenant row with.
 *
 * <p>{@link #parse(String)} accepts only the canonical 8-4-4-4-12 hexadecimal form, because
 * {@link UUID#fromString(String)} also takes strings such as {@code 1-2-3-4-5} that PostgreSQL would not; a
 * malformed id is refused here, before anything reaches SQL.
 *
 * @param value the UUID, never null
 */
public record TenantId(UUID value) implements Comparable<TenantId> {

    /** The tenant that owns every row which existed before multi-tenancy (migration 005). */
    public static final TenantId DEFAULT = new TenantId(UUID.fromString("00000000-0000-0000-0000-000000000001"));

    private static final Pattern CANONICAL =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final int SHOWN = 60;

    /** Checks the value is present. */
    public TenantId {
        if (value == null) {
            throw new TenantException(TenantException.Code.INVALID_TENANT_ID, "a tenant id is required, got null");
        }
    }

    /** The tenant with this UUID. */
    public static TenantId of(UUID value) {
        return new TenantId(value);
    }

    /**
     * Parses a canonical UUID string (either case).
     *
     * @throws TenantException with {@link TenantException.Code#INVALID_TENANT_ID} when {@code text} is null,
     *     blank or not of the form {@code xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}
     */
    public static TenantId parse(String text) {
        if (text == null || text.isBlank()) {
            throw new TenantException(TenantException.Code.INVALID_TENANT_ID,
                    "a tenant id is required, got " + (text == null ? "null" : "a blank string"));
        }
        if (!CANONICAL.matcher(text).matches()) {
            throw new TenantException(TenantException.Code.INVALID_TENANT_ID, "malformed tenant id '" + shown(text)
                    + "': expected a UUID such as 00000000-0000-0000-0000-000000000001");
        }
        return new TenantId(UUID.fromString(text));
    }

    /** Whether this is {@link #DEFAULT}. */
    public boolean isDefault() {
        return equals(DEFAULT);
    }

    @Override
    public int compareTo(TenantId other) {
        // UUID.compareTo orders by signed longs, which does not match PostgreSQL's uuid order; strings do.
        return toString().compareTo(other.toString());
    }

    /** The canonical lower-case form, as PostgreSQL prints a uuid. */
    @Override
    public String toString() {
        return value.toString().toLowerCase(Locale.ROOT);
    }

    private static String shown(String text) {
        // An attacker-sized input must not end up in full in a log line.
        String oneLine = text.replaceAll("\\p{Cntrl}", "?");
        return oneLine.length() <= SHOWN ? oneLine : oneLine.substring(0, SHOWN) + "...";
    }
}
