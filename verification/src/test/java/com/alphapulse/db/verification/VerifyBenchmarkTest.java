package com.alphapulse.db.verification;

import com.alphapulse.db.testing.TestDatabases;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.schema.AlphaPulseSchema;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Prints how long verifying the head takes; a figure to read, never a timed assertion. */
class VerifyBenchmarkTest {

    static final Database DB = PostgresProvider.shared().createDatabase("verify_bench");
    static final int RUNS = 20;

    @BeforeAll
    static void migrate() {
        TestDatabases.migrate(DB, AlphaPulseSchema.migrations().head());
    }

    @AfterAll
    static void drop() {
        PostgresProvider.shared().dropDatabase(DB);
    }

    @Test
    @DisplayName("prints the median and worst of 20 runs of verify(head), identify() and checkTenancy() on the embedded PostgreSQL")
    void benchmark() {
        Verifier verifier = Verifier.on(DB.dataSource());
        print("verify(head)", () -> {
            VerifyResult r = verifier.verify(AlphaPulseSchema.migrations().head());
            assertThat(r.findings()).isEmpty();
            return r.duration().toNanos();
        });
        print("identify()", () -> {
            IdentifyResult r = verifier.identify();
            assertThat(r.match()).contains(AlphaPulseSchema.migrations().head());
            return r.duration().toNanos();
        });
        print("checkTenancy(null)", () -> {
            TenancyResult r = verifier.checkTenancy(null);
            assertThat(r.errors()).isEmpty();
            assertThat(r.findings()).allMatch(Finding::knownInVersion);
            return r.duration().toNanos();
        });
    }

    private static void print(String what, LongSupplier run) {
        long first = run.getAsLong();
        long[] nanos = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            nanos[i] = run.getAsLong();
        }
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "%-20s first %7.2f ms, median %7.2f ms, worst %7.2f ms of %d runs%n", what,
                first / 1e6, nanos[RUNS / 2] / 1e6, nanos[RUNS - 1] / 1e6, RUNS);
    }
}
