package com.alphapulse.db.verification.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Reading the simple CHECK constraints, as PostgreSQL prints them, that the row generator must respect. */
class RowGeneratorTest {

    private static Tables.Table table(String... checks) {
        return new Tables.Table("t", Map.of(), List.of(), List.of(), List.of(), List.of(checks));
    }

    @Test
    @DisplayName("IN (...) on varchar, printed as = ANY (ARRAY[...]) with casts, gives its literals; another column's list does not")
    void allowedValuesOfVarchar() {
        Tables.Table t = table("CHECK (((subscription_tier)::text = ANY ((ARRAY['starter'::character varying, "
                + "'pro'::character varying, 'enterprise'::character varying])::text[])))",
                "CHECK ((status = ANY (ARRAY['active'::text, 'it''s'::text])))");
        assertThat(RowGenerator.allowedValues(t, "subscription_tier")).containsExactly("starter", "pro", "enterprise");
        assertThat(RowGenerator.allowedValues(t, "status")).containsExactly("active", "it's");
        assertThat(RowGenerator.allowedValues(t, "tier")).as("a suffix of another column's name").isEmpty();
    }

    @Test
    @DisplayName("a single equality gives one value")
    void singleEquality() {
        assertThat(RowGenerator.allowedValues(table("CHECK ((kind = 'fixed'::text))"), "kind")).containsExactly("fixed");
    }

    @Test
    @DisplayName("comparisons with numbers give bounds, the tightest of several")
    void bounds() {
        Tables.Table t = table("CHECK (((confidence >= (0)::double precision) AND (confidence <= (1)::double precision)))",
                "CHECK (((lots > 0) AND (lots < 10)))", "CHECK ((lots >= 2))");
        assertThat(RowGenerator.bounds(t, "confidence")).containsExactly(BigDecimal.ZERO, BigDecimal.ONE);
        assertThat(RowGenerator.bounds(t, "lots")).containsExactly(BigDecimal.valueOf(2), BigDecimal.TEN);
        assertThat(RowGenerator.bounds(t, "other")).containsExactly(null, null);
    }
}
