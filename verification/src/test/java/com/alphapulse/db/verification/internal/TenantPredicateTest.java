package com.alphapulse.db.verification.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Policy expressions written by hand, read back as PostgreSQL prints them, and judged. */
class TenantPredicateTest {

    static final Database DB = PostgresProvider.shared().createDatabase("tenant_predicate");
    static final String CURRENT = "current_setting('app.current_tenant_id', true)::uuid";

    /** Policy name, USING as written, and whether it confines rows to the current tenant. */
    static final Map<String, Boolean> CONFINES = new LinkedHashMap<>();
    static final Map<String, String> WRITTEN = new LinkedHashMap<>();
    static final Map<String, String> PRINTED = new LinkedHashMap<>();

    private static void policy(String name, String using, boolean confines) {
        WRITTEN.put(name, using);
        CONFINES.put(name, confines);
    }

    @BeforeAll
    static void create() throws SQLException {
        policy("plain", "tenant_id = " + CURRENT, true);
        policy("reversed", "current_setting('app.current_tenant_id')::uuid = tenant_id", true);
        policy("initplan", "tenant_id = (SELECT current_setting('app.current_tenant_id', true))::uuid", true);
        policy("and_more", "x > 0 AND tenant_id = " + CURRENT + " AND (x < 5 OR x > 10)", true);
        policy("and_quoted", "tenant_id = " + CURRENT + " AND note <> 'a) OR (true'", true);
        policy("or_true", "tenant_id = " + CURRENT + " OR true", false);
        policy("nested_or", "(tenant_id = " + CURRENT + " OR true) AND x = 1", false);
        policy("not_null", "tenant_id IS NOT NULL", false);
        policy("negated", "NOT (tenant_id = " + CURRENT + ")", false);
        policy("other_setting", "tenant_id = current_setting('app.other_tenant', true)::uuid", false);
        policy("constant", "tenant_id = '10000000-0000-0000-0000-000000000001'::uuid", false);
        policy("unequal", "tenant_id <> " + CURRENT, false);
        policy("always", "true", false);
        // 011's form: the tenant through alphapulse_current_tenant(), evaluated once per statement as an initplan
        policy("function_initplan", "tenant_id = (SELECT alphapulse_current_tenant())", true);
        policy("function_plain", "alphapulse_current_tenant() = tenant_id", true);
        policy("function_or", "tenant_id = (SELECT alphapulse_current_tenant()) OR true", false);
        policy("other_function", "tenant_id = (SELECT other_tenant())", false);
        try (Connection c = DB.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int, tenant_id uuid, x int, note text)");
            for (String f : new String[] {"alphapulse_current_tenant", "other_tenant"}) {
                s.execute("CREATE FUNCTION " + f + "() RETURNS uuid LANGUAGE sql STABLE "
                        + "AS $$ SELECT current_setting('app.current_tenant_id', true)::uuid $$");
            }
            for (Map.Entry<String, String> p : WRITTEN.entrySet()) {
                s.execute("CREATE POLICY " + p.getKey() + " ON t USING (" + p.getValue() + ")");
            }
            try (ResultSet rs = s.executeQuery("SELECT policyname, qual FROM pg_policies WHERE tablename = 't'")) {
                while (rs.next()) {
                    PRINTED.put(rs.getString(1), rs.getString(2));
                }
            }
        }
    }

    @AfterAll
    static void drop() {
        PostgresProvider.shared().dropDatabase(DB);
    }

    @Test
    @DisplayName("only a tenant_id comparison with current_setting('app.current_tenant_id')::uuid or alphapulse_current_tenant(), alone or ANDed, confines rows; OR, NOT, IS NOT NULL, constants and other functions do not")
    void judgesPrintedExpressions() {
        assertThat(PRINTED.keySet()).containsExactlyInAnyOrderElementsOf(WRITTEN.keySet());
        for (Map.Entry<String, Boolean> p : CONFINES.entrySet()) {
            assertThat(TenantPredicate.confinesToTenant(PRINTED.get(p.getKey())))
                    .as("%s: %s", p.getKey(), PRINTED.get(p.getKey())).isEqualTo(p.getValue());
        }
    }

    @Test
    @DisplayName("per command: INSERT is judged by WITH CHECK, SELECT and DELETE by USING, UPDATE and ALL by both, WITH CHECK defaulting to USING")
    void clausesPerCommand() {
        String tenant = PRINTED.get("plain");
        String open = PRINTED.get("always");
        assertThat(TenantPredicate.unconfinedClauses("SELECT", tenant, "")).isEmpty();
        assertThat(TenantPredicate.unconfinedClauses("DELETE", open, "")).containsExactly("USING");
        assertThat(TenantPredicate.unconfinedClauses("INSERT", "", open)).containsExactly("WITH CHECK");
        assertThat(TenantPredicate.unconfinedClauses("INSERT", "", tenant)).isEmpty();
        assertThat(TenantPredicate.unconfinedClauses("UPDATE", tenant, open)).containsExactly("WITH CHECK");
        assertThat(TenantPredicate.unconfinedClauses("UPDATE", tenant, "")).isEmpty();
        assertThat(TenantPredicate.unconfinedClauses("ALL", open, "")).containsExactly("USING", "WITH CHECK");
        assertThat(TenantPredicate.unconfinedClauses("ALL", open, tenant)).containsExactly("USING");
    }
}
