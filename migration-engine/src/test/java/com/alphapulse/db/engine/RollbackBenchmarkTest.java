package com.alphapulse.db.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.testing.AlphaPulseRows;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Measures each version's downgrade and upgrade on about 100,000 trades (4 tenants) and prints a table. The
 * times are printed, never asserted; what is asserted is that the measured round trip was lossless, so the
 * figures are those of a correct run.
 */
class RollbackBenchmarkTest {

    @Test
    @DisplayName("benchmark: per-version downgrade and upgrade durations on >= 100k trades (printed); the round trip is lossless")
    void measure() {
        Database db = Fixtures.database("rollback_benchmark");
        try {
            MigrationEngine engine = Fixtures.engine(db);
            engine.upgrade("head");
            java.time.Instant loadStart = java.time.Instant.now();
            AlphaPulseRows.load(db, 4, 25_000);
            Duration loaded = Duration.between(loadStart, java.time.Instant.now());
            long trades = Fixtures.count(db, "SELECT count(*) FROM public.trades");
            long allRows = AlphaPulseSchema.TENANT_TABLES.stream()
                    .mapToLong(t -> Fixtures.count(db, "SELECT count(*) FROM public." + t)).sum();
            Map<String, String> before = Fixtures.tenantChecksums(db, null);
            PlanResult plan = engine.plan("002");
            DowngradeResult down = engine.downgrade("002", DowngradeOptions.defaults());
            UpgradeResult up = engine.upgrade("head");
            boolean lossless = Fixtures.tenantChecksums(db, null).equals(before);

            List<String> out = new ArrayList<>();
            out.add(String.format(Locale.ROOT, "Rollback benchmark: %,d trades, %,d rows in all, %d tenants; loaded in %s",
                    trades, allRows, 4, ms(loaded)));
            out.add(String.format(Locale.ROOT, "plan 009 -> 002: %s (risk %s)", ms(plan.total()), plan.risk()));
            out.add(String.format(Locale.ROOT, "%-8s %-22s %12s %14s %12s %14s", "version", "description", "downgrade",
                    "rows archived", "upgrade", "rows restored"));
            for (VersionRun d : down.versions()) {
                VersionRun u = up.versions().stream().filter(v -> v.version().equals(d.version())).findFirst().orElseThrow();
                out.add(String.format(Locale.ROOT, "%-8s %-22s %12s %,14d %12s %,14d", d.version(), d.description(),
                        ms(d.duration()), d.rowsArchived(), ms(u.duration()), u.rowsRestored()));
            }
            out.add(String.format(Locale.ROOT, "%-8s %-22s %12s %,14d %12s %,14d", "total", "009 -> 002 -> 009", ms(down.total()),
                    down.rowsArchived(), ms(up.total()), up.rowsRestored()));
            out.add("every tenant row and every row's tenant_id identical after the round trip: " + lossless);
            System.out.println(String.join(System.lineSeparator(), out));

            assertThat(trades).isGreaterThanOrEqualTo(100_000);
            assertThat(lossless).as("every tenant row and every row's tenant_id identical after the round trip").isTrue();
            assertThat(up.rowsRestored()).isEqualTo(down.rowsArchived());
            assertThat(up.rowsSkipped()).isZero();
        } finally {
            Fixtures.drop(db);
        }
    }

    private static String ms(Duration d) {
        return String.format(Locale.ROOT, "%,d ms", d.toMillis());
    }
}
