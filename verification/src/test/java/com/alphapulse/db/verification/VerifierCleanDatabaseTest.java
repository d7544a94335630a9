package com.alphapulse.db.verification;

import com.alphapulse.db.testing.TestDatabases;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.migrations.SchemaVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class VerifierCleanDatabaseTest {

    private static java.util.List<SchemaVersion> neighbours(SchemaVersion v) {
        java.util.List<SchemaVersion> all = AlphaPulseSchema.migrations().versions();
        int i = all.indexOf(v);
        return all.subList(Math.max(0, i - 1), Math.min(all.size(), i + 2)).stream().filter(o -> !o.equals(v)).toList();
    }

    static final Database DB = PostgresProvider.shared().createDatabase("verify_clean");

    @AfterAll
    static void drop() {
        PostgresProvider.shared().dropDatabase(DB);
    }

    @Test
    @DisplayName("at every version: verify gives zero findings, identify names exactly that version (at once when it is the likely one, by the full comparison when another is), and every other version is not clean")
    void everyVersionIsCleanAndIdentified() {
        Verifier verifier = Verifier.on(DB.dataSource());

        IdentifyResult empty = verifier.identify();
        assertThat(empty.emptyDatabase()).isTrue();
        assertThat(empty.nearest()).isEmpty();
        assertThat(empty.match()).isEmpty();
        assertThat(verifier.verify(AlphaPulseSchema.migrations().versions().get(0)).errors())
                .as("an empty database misses every table of 001").isNotEmpty();

        for (SchemaVersion v : AlphaPulseSchema.migrations().versions()) {
            TestDatabases.migrate(DB, v);

            VerifyResult result = verifier.verify(v);
            assertThat(result.findings()).as("findings at %s", v).isEmpty();
            assertThat(result.clean()).isTrue();
            assertThat(result.version()).isEqualTo(v);

            IdentifyResult identified = verifier.identify();
            assertThat(identified.emptyDatabase()).isFalse();
            assertThat(identified.match()).as("match at %s", v).contains(v);
            assertThat(identified.exact()).isTrue();
            assertThat(identified.distances()).containsEntry(v, 0);
            assertThat(identified.distances().entrySet()).filteredOn(e -> !e.getKey().equals(v))
                    .allSatisfy(e -> assertThat(e.getValue()).as("distance to %s", e.getKey()).isPositive());

            IdentifyResult likely = verifier.identify(v);
            assertThat(likely.match()).as("recorded %s, exactly there", v).contains(v);
            assertThat(likely.exact()).isTrue();
            assertThat(likely.distances()).as("no other version compared").containsExactly(java.util.Map.entry(v, 0));
            // the neighbours: the version before has only extra objects against this catalog (warnings), the one after errors
            for (SchemaVersion other : neighbours(v)) {
                assertThat(IdentifyHalfwayTest.withoutDuration(verifier.identify(other)))
                        .as("%s recorded, the catalog at %s: the full comparison", other, v)
                        .isEqualTo(IdentifyHalfwayTest.withoutDuration(identified));
            }

            for (SchemaVersion other : AlphaPulseSchema.migrations().versions()) {
                if (other.compareTo(v) > 0) {
                    assertThat(verifier.verify(other).clean()).as("%s verified against %s", v, other).isFalse();
                } else if (other.compareTo(v) < 0) {
                    assertThat(verifier.verify(other).findings()).as("%s verified against %s", v, other).isNotEmpty();
                }
            }
        }
    }
}
