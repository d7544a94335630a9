package com.alphapulse.db.verification;

import com.alphapulse.db.migrations.SchemaVersion;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which version a live database is at, as {@link Verifier#identify()} decided it.
 *
 * <p>The live catalog is compared with the expected state of every version (by {@link Verifier#identify(SchemaVersion)},
 * with the likely version first, and with no other when the database is exactly at it); the <em>distance</em> to a
 * version is the number of catalog rows (tables, columns, indexes, constraints, policies, required roles)
 * that are missing, extra or different. The nearest version is the one at the smallest distance (the lower
 * version on a tie). It is the {@linkplain #match() match} when it has no {@link Severity#ERROR}, i.e. when
 * the database holds everything that version expects, extra objects aside.
 *
 * <p>A database without a single table in schema {@code public} (a {@code flyway_schema_history} table is
 * not counted) is <em>before the first version</em>: {@link #emptyDatabase()} is true and both
 * {@link #match()} and {@link #nearest()} are empty.
 *
 * @param match the version the database is at, if there is one
 * @param nearest the version the database is closest to; empty only for an empty database
 * @param emptyDatabase whether the database has no table at all (it is before the first version)
 * @param findings the differences from {@code nearest}, errors first; empty for an empty database
 * @param distances the distance to each version, oldest version first (only the likely version's, 0, when
 *     {@link Verifier#identify(SchemaVersion)} found the database exactly at it)
 * @param partial the version partly there: the one after the nearest version when part of it is there too, or
 *     the nearest one itself when it is not all there but the version before it is (INVALID indexes of an
 *     interrupted concurrent build aside, which are an error against every version); else empty
 * @param duration how long reading and comparing took
 */
public record IdentifyResult(Optional<SchemaVersion> match, Optional<SchemaVersion> nearest, boolean emptyDatabase,
        List<Finding> findings, Map<SchemaVersion, Integer> distances, Optional<PartialVersion> partial, Duration duration) {

    public IdentifyResult {
        findings = List.copyOf(findings);
        distances = Collections.unmodifiableMap(new LinkedHashMap<>(distances));
    }

    /** True when the database is at {@link #match()} with no finding at all, not even an extra object. */
    public boolean exact() {
        return match.isPresent() && findings.isEmpty();
    }

    /** The {@link Severity#ERROR} findings against {@link #nearest()}. */
    public List<Finding> errors() {
        return findings.stream().filter(Finding::isError).toList();
    }

    /** The {@link Severity#WARNING} findings against {@link #nearest()}. */
    public List<Finding> warnings() {
        return findings.stream().filter(f -> !f.isError()).toList();
    }
}
