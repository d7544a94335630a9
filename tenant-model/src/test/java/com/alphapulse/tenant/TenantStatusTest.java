package com.alphapulse.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alphapulse.db.schema.AlphaPulseSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TenantStatusTest {

    @Test
    void the_statuses_are_exactly_the_values_of_the_chk_tenants_status_constraint_of_migration_005() {
        assertThat(Arrays.stream(TenantStatus.values()).map(TenantStatus::databaseValue))
                .containsExactlyInAnyOrderElementsOf(checkValues("chk_tenants_status"));
    }

    @Test
    void the_tiers_are_exactly_the_values_of_the_chk_tenants_subscription_tier_constraint_of_migration_005() {
        assertThat(Arrays.stream(SubscriptionTier.values()).map(SubscriptionTier::databaseValue))
                .containsExactlyInAnyOrderElementsOf(checkValues("chk_tenants_subscription_tier"));
    }

    @Test
    void stored_values_convert_back_to_the_same_constant_and_unknown_values_are_refused() {
        for (TenantStatus s : TenantStatus.values()) {
            assertThat(TenantStatus.fromDatabaseValue(s.databaseValue())).isSameAs(s);
        }
        for (SubscriptionTier t : SubscriptionTier.values()) {
            assertThat(SubscriptionTier.fromDatabaseValue(t.databaseValue())).isSameAs(t);
        }
        assertThatThrownBy(() -> TenantStatus.fromDatabaseValue("ACTIVE"))
                .isInstanceOf(TenantException.class).hasMessageContaining("unknown tenant status 'ACTIVE'");
        assertThatThrownBy(() -> SubscriptionTier.fromDatabaseValue("gold"))
                .isInstanceOf(TenantException.class).hasMessageContaining("unknown subscription tier 'gold'")
                .extracting(e -> ((TenantException) e).code()).isEqualTo(TenantException.Code.INVALID_ARGUMENT);
    }

    @Test
    void a_cancelled_tenant_can_become_nothing_else_while_active_and_suspended_can_change_freely() {
        assertThat(TenantStatus.ACTIVE.canChangeTo(TenantStatus.SUSPENDED)).isTrue();
        assertThat(TenantStatus.ACTIVE.canChangeTo(TenantStatus.CANCELLED)).isTrue();
        assertThat(TenantStatus.SUSPENDED.canChangeTo(TenantStatus.ACTIVE)).isTrue();
        assertThat(TenantStatus.SUSPENDED.canChangeTo(TenantStatus.CANCELLED)).isTrue();
        assertThat(TenantStatus.CANCELLED.canChangeTo(TenantStatus.ACTIVE)).isFalse();
        assertThat(TenantStatus.CANCELLED.canChangeTo(TenantStatus.SUSPENDED)).isFalse();
        for (TenantStatus s : TenantStatus.values()) {
            assertThat(s.canChangeTo(s)).as("%s to itself", s).isTrue();
        }
    }

    /** The quoted values of a CHECK constraint, from the head version's catalog captured from a real database. */
    private static List<String> checkValues(String constraint) {
        String json = AlphaPulseSchema.migrations().head().expectedCatalogJson("constraints");
        Matcher row = Pattern.compile("\"" + constraint + "\",\"CHECK\",\"(CHECK [^\"]*)\"").matcher(json);
        assertThat(row.find()).as("constraint %s in the catalog", constraint).isTrue();
        List<String> values = new ArrayList<>();
        Matcher literal = Pattern.compile("'([^']*)'").matcher(row.group(1));
        while (literal.find()) {
            values.add(literal.group(1));
        }
        return values;
    }
}
