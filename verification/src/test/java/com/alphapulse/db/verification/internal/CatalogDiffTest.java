package com.alphapulse.db.verification.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.testing.TestDatabases;
import com.alphapulse.db.postgres.PostgresProvider;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.verification.Finding;
import com.alphapulse.db.verification.Severity;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Roles are cluster-wide: instead of dropping rls_bypass_role on a server other databases share, the diff is
 * fed the live catalog of a database at the head with its role rows replaced.
 */
class CatalogDiffTest {

    static final Database DB = PostgresProvider.shared().createDatabase("catalog_diff");
    static Catalog live;

    @BeforeAll
    static void migrate() throws SQLException {
        TestDatabases.migrate(DB, AlphaPulseSchema.migrations().head());
        try (Connection c = DB.connect()) {
            live = CatalogReader.read(c, AlphaPulseSchema.migrations());
        }
    }

    @AfterAll
    static void drop() {
        PostgresProvider.shared().dropDatabase(DB);
    }

    @Test
    @DisplayName("a live catalog without rls_bypass_role is one ERROR naming it; an extra BYPASSRLS role in its place is never reported")
    void missingBypassRole() {
        ExpectedState head = ExpectedState.of(AlphaPulseSchema.migrations().head());
        assertThat(CatalogDiff.diff(head, live).findings()).as("the unaltered live catalog").isEmpty();
        assertThat(live.all(Catalog.ROLES)).extracting(Catalog.Row::name).containsExactly("rls_bypass_role");

        Catalog.Row extra = new Catalog.Row("", "extra_bypass",
                Map.of("can_login", "false", "bypass_rls", "true", "superuser", "false"));
        CatalogDiff.Outcome outcome = CatalogDiff.diff(head, live.withRows(Catalog.ROLES, List.of(extra)));

        assertThat(outcome.findings())
                .extracting(Finding::severity, Finding::objectType, Finding::object, Finding::expected, Finding::actual)
                .containsExactly(tuple(Severity.ERROR, Finding.ROLE, "rls_bypass_role",
                        "NOLOGIN BYPASSRLS NOSUPERUSER", Finding.MISSING));
        assertThat(outcome.distance()).isEqualTo(1);
    }
}
