package com.alphapulse.db.verification.internal;

import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.verification.IdentifyResult;
import com.alphapulse.db.verification.Severity;
import com.alphapulse.db.verification.VerifyResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/** {@code verify} and {@code identify}: the live catalog against the expected state of versions. */
public final class Versions {

    private Versions() {}

    public static VerifyResult verify(DataSource ds, SchemaVersion version) {
        Objects.requireNonNull(version, "version");
        long start = System.nanoTime();
        ExpectedState expected = ExpectedState.of(version);
        Catalog live = read(ds, version.set());
        CatalogDiff.Outcome outcome = CatalogDiff.diff(expected, live);
        return new VerifyResult(version, outcome.findings(), Duration.ofNanos(System.nanoTime() - start));
    }

    public static IdentifyResult identify(DataSource ds, MigrationSet set) {
        long start = System.nanoTime();
        Catalog live = read(ds, set);
        Map<SchemaVersion, Integer> distances = new LinkedHashMap<>();
        SchemaVersion nearest = null;
        CatalogDiff.Outcome best = null;
        for (SchemaVersion v : set.versions()) {
            CatalogDiff.Outcome o = CatalogDiff.diff(ExpectedState.of(v), live);
            distances.put(v, o.distance());
            // Strictly smaller: on a tie the lower version stays, the state a repair rolls forward from.
            if (best == null || o.distance() < best.distance()) {
                best = o;
                nearest = v;
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (live.tables().isEmpty()) {
            return new IdentifyResult(Optional.empty(), Optional.empty(), true, List.of(), distances, took);
        }
        boolean matches = best.findings().stream().noneMatch(f -> f.severity() == Severity.ERROR);
        return new IdentifyResult(matches ? Optional.of(nearest) : Optional.empty(), Optional.of(nearest), false,
                best.findings(), distances, took);
    }

    private static Catalog read(DataSource ds, MigrationSet set) {
        try (Connection c = Jdbc.open(ds)) {
            return CatalogReader.read(c, set);
        } catch (SQLException e) {
            throw Jdbc.queryFailed("cannot read the catalog", e);
        }
    }
}
