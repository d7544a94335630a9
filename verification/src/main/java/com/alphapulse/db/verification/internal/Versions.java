package com.alphapulse.db.verification.internal;

import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.verification.Finding;
import com.alphapulse.db.verification.IdentifyResult;
import com.alphapulse.db.verification.PartialVersion;
import com.alphapulse.db.verification.Severity;
import com.alphapulse.db.verification.VerifyResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/** {@code verify} and {@code identify}: the live catalog against the expected state of versions. */
public final class Versions {

    private static final String INVALID = "INVALID";

    private Versions() {}

    public static VerifyResult verify(DataSource ds, SchemaVersion version) {
        Objects.requireNonNull(version, "version");
        long start = System.nanoTime();
        ExpectedState expected = ExpectedState.of(version);
        Catalog live = read(ds, version.set());
        CatalogDiff.Outcome outcome = CatalogDiff.diff(expected, live);
        return new VerifyResult(version, outcome.findings(), partial(version, live, outcome),
                Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * {@link #verify}, plus the tenancy key rules ({@link TenantKeys}, what {@code version} itself ships
     * reported as known warnings) and the data: rows of a tenant table whose tenant differs from their parent's,
     * read as a role that sees every tenant. One transaction, rolled back: nothing is written.
     */
    public static VerifyResult verifyData(DataSource ds, SchemaVersion version) {
        Objects.requireNonNull(version, "version");
        long start = System.nanoTime();
        ExpectedState expected = ExpectedState.of(version);
        Catalog head = ExpectedState.of(version.set().head()).catalog();
        try (Connection c = Jdbc.open(ds)) {
            boolean autoCommit = c.getAutoCommit();
            try {
                c.setAutoCommit(false);
                Catalog live = CatalogReader.read(c, version.set());
                CatalogDiff.Outcome outcome = CatalogDiff.diff(expected, live);
                List<String> tenantTables = TenancyRules.tenantTables(live, head);
                List<Finding> findings = new ArrayList<>(outcome.findings());
                findings.addAll(TenantKeys.knownIn(TenantKeys.check(live, tenantTables), version, head));
                findings.addAll(TenantKeys.crossTenantRows(c, Tables.read(c), new LinkedHashSet<>(tenantTables)));
                // Stable: each part keeps its own order, errors first as VerifyResult documents.
                findings.sort(Comparator.comparing(Finding::severity));
                return new VerifyResult(version, findings, partial(version, live, outcome),
                        Duration.ofNanos(System.nanoTime() - start));
            } finally {
                Jdbc.rollbackQuietly(c);
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw Jdbc.privilegeOrQueryFailed("cannot verify the data", e);
        }
    }

    /** The version whose expected catalog is nearest to {@code live} (the lower on a tie); empty for no table. */
    static Optional<SchemaVersion> nearest(Catalog live, MigrationSet set) {
        if (live.tables().isEmpty()) {
            return Optional.empty();
        }
        SchemaVersion nearest = null;
        int best = Integer.MAX_VALUE;
        for (SchemaVersion v : set.versions()) {
            int d = CatalogDiff.diff(ExpectedState.of(v), live).distance();
            if (d < best) {
                best = d;
                nearest = v;
            }
        }
        return Optional.ofNullable(nearest);
    }

    /** {@code likely}, when not null, is compared first and is the answer when the live catalog is exactly at it. */
    public static IdentifyResult identify(DataSource ds, MigrationSet set, SchemaVersion likely) {
        long start = System.nanoTime();
        if (likely != null && likely.set() != set) {
            throw new IllegalArgumentException("version " + likely.label() + " is not of the set " + set.name());
        }
        Catalog live = read(ds, set);
        CatalogDiff.Outcome first = null;
        if (likely != null && !live.tables().isEmpty()) {
            // status asks this on every run: diffing all versions' expected catalogs is most of its time
            first = CatalogDiff.diff(ExpectedState.of(likely), live);
            if (first.findings().isEmpty()) {
                return new IdentifyResult(Optional.of(likely), Optional.of(likely), false, List.of(), Map.of(likely, 0),
                        Optional.empty(), Duration.ofNanos(System.nanoTime() - start));
            }
        }
        Map<SchemaVersion, Integer> distances = new LinkedHashMap<>();
        Map<SchemaVersion, CatalogDiff.Outcome> outcomes = new LinkedHashMap<>();
        SchemaVersion nearest = null;
        CatalogDiff.Outcome best = null;
        for (SchemaVersion v : set.versions()) {
            CatalogDiff.Outcome o = v.equals(likely) && first != null ? first : CatalogDiff.diff(ExpectedState.of(v), live);
            distances.put(v, o.distance());
            outcomes.put(v, o);
            // Strictly smaller: on a tie the lower version stays, the state a repair rolls forward from.
            if (best == null || o.distance() < best.distance()) {
                best = o;
                nearest = v;
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (live.tables().isEmpty()) {
            return new IdentifyResult(Optional.empty(), Optional.empty(), true, List.of(), distances, Optional.empty(), took);
        }
        boolean matches = best.findings().stream().noneMatch(f -> f.severity() == Severity.ERROR);
        // Part of the next version there: the nearest version, or, more than half-way through a long online version,
        // the one before it (the nearest is then the next version, with errors). An INVALID index (an interrupted
        // concurrent build) is an error against every version: it keeps a version from matching, not from being
        // where the database stands.
        SchemaVersion at = nearest;
        if (!onlyInvalidIndexes(best)) {
            Optional<SchemaVersion> before = set.get(set.previous(nearest.version()));
            at = before.filter(b -> onlyInvalidIndexes(outcomes.get(b))).orElse(null);
        }
        Optional<PartialVersion> partial = at == null ? Optional.empty() : partial(at, live, outcomes.get(at));
        return new IdentifyResult(matches ? Optional.of(nearest) : Optional.empty(), Optional.of(nearest), false,
                best.findings(), distances, partial, took);
    }

    /**
     * The next version when some of what the live catalog has beyond {@code version} belongs to it: objects
     * extra against {@code version} that are not extra against the next one.
     */
    private static Optional<PartialVersion> partial(SchemaVersion version, Catalog live, CatalogDiff.Outcome outcome) {
        Optional<SchemaVersion> next = version.set().next(version.version());
        // nothing extra against version: nothing of the next one can be there (and the diff against it is not needed)
        if (next.isEmpty() || outcome.findings().stream().allMatch(Finding::isError)) {
            return Optional.empty();
        }
        CatalogDiff.Outcome against = CatalogDiff.diff(ExpectedState.of(next.get()), live);
        java.util.Set<String> extraThere = new java.util.HashSet<>();
        for (Finding f : against.findings()) {
            if (!f.isError()) {
                extraThere.add(f.objectType() + " " + f.object());
            }
        }
        int present = 0;
        for (Finding f : outcome.findings()) {
            if (!f.isError() && !extraThere.contains(f.objectType() + " " + f.object())) {
                present++;
            }
        }
        List<Finding> missing = against.findings().stream().filter(Finding::isError).toList();
        return present == 0 || missing.isEmpty() ? Optional.empty() : Optional.of(new PartialVersion(next.get(), present, missing));
    }

    private static boolean onlyInvalidIndexes(CatalogDiff.Outcome o) {
        return o.findings().stream().filter(Finding::isError)
                .allMatch(f -> Finding.INDEX.equals(f.objectType()) && INVALID.equals(f.actual()));
    }

    private static Catalog read(DataSource ds, MigrationSet set) {
        try (Connection c = Jdbc.open(ds)) {
            return CatalogReader.read(c, set);
        } catch (SQLException e) {
            throw Jdbc.queryFailed("cannot read the catalog", e);
        }
    }
}
