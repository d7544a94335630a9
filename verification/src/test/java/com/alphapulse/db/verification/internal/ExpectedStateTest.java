package com.alphapulse.db.verification.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.migrations.CatalogQueries;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.Table;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ExpectedStateTest {

    @Test
    @DisplayName("every version's expected catalog has exactly the tables and columns of that version's jOOQ types")
    void expectedCatalogAgreesWithJooqTypes() {
        for (SchemaVersion v : AlphaPulseSchema.migrations().versions()) {
            Catalog expected = ExpectedState.of(v).catalog();
            Set<String> jooqTables = new TreeSet<>();
            for (Table<?> t : v.jooqSchema().orElseThrow().getTables()) {
                jooqTables.add(t.getName());
                Set<String> columns = new TreeSet<>();
                expected.ofTable(Catalog.COLUMNS, t.getName()).forEach(r -> columns.add(r.name()));
                assertThat(columns).as("columns of %s at %s", t.getName(), v)
                        .containsExactlyInAnyOrderElementsOf(Arrays.stream(t.fields()).map(Field::getName).toList());
            }
            assertThat(expected.tables()).as("tables at %s", v).isEqualTo(jooqTables);
        }
    }

    @Test
    @DisplayName("every expected catalog read without jOOQ is jOOQ's fetchFromJSON of it as text, row for row")
    void expectedCatalogRowsAreJooqsAsText() {
        for (SchemaVersion v : AlphaPulseSchema.migrations().versions()) {
            for (String q : CatalogQueries.NAMES) {
                List<Map<String, String>> jooq = new ArrayList<>();
                for (Record r : DSL.using(SQLDialect.POSTGRES).fetchFromJSON(v.expectedCatalogJson(q))) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (Field<?> f : r.fields()) {
                        Object value = r.get(f);
                        row.put(f.getName(), value == null ? null : value.toString());
                    }
                    jooq.add(row);
                }
                List<Map<String, String>> rows = v.expectedCatalog(q);
                assertThat(rows).as("%s at %s", q, v).isEqualTo(jooq);
                for (int i = 0; i < rows.size(); i++) {
                    assertThat(rows.get(i).keySet()).as("columns of %s at %s", q, v).containsExactlyElementsOf(jooq.get(i).keySet());
                }
            }
        }
    }

    @Test
    @DisplayName("the columns that exist at only some versions are exactly tenant_id of the eight tenant tables")
    void varyingColumnsAreTenantIds() {
        Map<String, Set<String>> varying = ExpectedState.varyingColumns(AlphaPulseSchema.migrations());
        assertThat(varying).allSatisfy((table, columns) -> {
            if (AlphaPulseSchema.TENANT_TABLES.contains(table)) {
                assertThat(columns).as(table).containsExactly("tenant_id");
            } else {
                assertThat(columns).as(table).isEmpty();
            }
        });
        assertThat(varying.keySet()).containsAll(AlphaPulseSchema.TENANT_TABLES).contains("tenants", "sync_status");
    }

    @Test
    @DisplayName("the expected state of head requires rls_bypass_role and 32 policies, that of 007 neither")
    void expectedRolesAndPolicies() {
        Catalog head = ExpectedState.of(AlphaPulseSchema.migrations().head()).catalog();
        assertThat(head.all(Catalog.ROLES)).extracting(Catalog.Row::name).containsExactly("rls_bypass_role");
        assertThat(head.all(Catalog.POLICIES)).hasSize(32);
        Catalog v7 = ExpectedState.of(AlphaPulseSchema.migrations().version("7")).catalog();
        assertThat(v7.all(Catalog.ROLES)).isEmpty();
        assertThat(v7.all(Catalog.POLICIES)).isEmpty();
    }
}
