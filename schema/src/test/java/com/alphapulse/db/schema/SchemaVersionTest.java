package com.alphapulse.db.schema;

import com.alphapulse.db.testing.TestDatabases;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaVersionTest {

    static Stream<SchemaVersion> versions() {
        return AlphaPulseSchema.migrations().versions().stream();
    }

    @DisplayName("undo(N) on a database at N leaves exactly the catalog of a fresh database at N-1")
    @ParameterizedTest(name = "undo {0}")
    @MethodSource("versions")
    void undo_script_returns_to_the_previous_versions_exact_catalog(SchemaVersion version) throws SQLException {
        PostgresProvider pg = PostgresProvider.shared();
        Database undone = pg.createDatabase("undo_" + version.label());
        Database previous = pg.createDatabase("prev_" + version.label());
        try {
            TestDatabases.migrate(undone, version);
            TestDatabases.undo(undone, version);
            TestDatabases.migrate(previous, version.set(), version.set().previous(version.version()));

            Map<String, List<String>> expected = TestDatabases.catalog(previous, version.set());
            Map<String, List<String>> actual = TestDatabases.catalog(undone, version.set());
            for (String query : com.alphapulse.db.migrations.CatalogQueries.NAMES) {
                if (query.equals("roles")) {
                    // roles are cluster-wide: another database of this server may hold rls_bypass_role
                    continue;
                }
                assertThat(actual.get(query)).as("%s after undo %s", query, version.label())
                        .containsExactlyElementsOf(expected.get(query));
            }
        } finally {
            pg.dropDatabase(undone);
            pg.dropDatabase(previous);
        }
    }

    @DisplayName("the expected catalog shipped for each version is what a fresh migration to it produces")
    @ParameterizedTest(name = "expected catalog {0}")
    @MethodSource("versions")
    void shipped_expected_catalog_matches_a_fresh_migration(SchemaVersion version) throws SQLException {
        PostgresProvider pg = PostgresProvider.shared();
        Database db = pg.createDatabase("expected_" + version.label());
        try {
            TestDatabases.migrate(db, version);
            Map<String, List<String>> live = TestDatabases.catalog(db, version.set());
            for (String query : List.of("tables", "columns", "indexes", "constraints", "policies")) {
                String json = version.expectedCatalogJson(query);
                assertThat(json).as("%s.json of %s", query, version.label()).contains("\"records\"");
                for (String row : live.get(query)) {
                    // every live object's name appears in the shipped catalog of the version
                    String name = row.split(" \\| ")[1].substring("name=".length());
                    assertThat(json).as("%s of %s names %s", query, version.label(), name).contains("\"" + name + "\"");
                }
            }
        } finally {
            pg.dropDatabase(db);
        }
    }
}
