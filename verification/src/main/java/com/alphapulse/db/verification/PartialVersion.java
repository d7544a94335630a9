package com.alphapulse.db.verification;

import com.alphapulse.db.migrations.SchemaVersion;
import java.util.List;

/**
 * The next version, partly there: objects the database has beyond the version it is compared with that the next
 * version has too (columns, indexes, constraints, policies), while the next version still misses some. What an
 * online version in progress, or one interrupted part-way (an INVALID index of an interrupted
 * {@code CREATE INDEX CONCURRENTLY} included), leaves.
 *
 * @param version the next version
 * @param present how many of its objects are there already
 * @param missing what it still misses or has differently, as findings against it
 */
public record PartialVersion(SchemaVersion version, int present, List<Finding> missing) {

    public PartialVersion {
        missing = List.copyOf(missing);
    }

    /** E.g. {@code "part of 007 is there (12 objects), 9 missing or different"}. */
    public String describe() {
        return "part of " + version.label() + " is there (" + present + " object(s)), " + missing.size()
                + " missing or different: an online version in progress or a version interrupted part-way";
    }
}
