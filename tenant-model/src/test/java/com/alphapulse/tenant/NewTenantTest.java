package com.alphapulse.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NewTenantTest {

    @Test
    void limits_and_new_tenants_refuse_values_their_columns_cannot_hold() {
        assertThatThrownBy(() -> new TenantLimits(-1, 10)).hasMessageContaining("maxUsers must not be negative");
        assertThat(new TenantLimits(null, null).maxUsers()).isNull();
        assertThatThrownBy(() -> NewTenant.of(" ", "slug", SubscriptionTier.PRO)).hasMessage("name is required");
        assertThatThrownBy(() -> NewTenant.of("n", "s".repeat(101), SubscriptionTier.PRO))
                .hasMessage("slug is longer than 100 characters");
        assertThatThrownBy(() -> NewTenant.of("n", "slug", null)).hasMessage("subscriptionTier is required");
        assertThat(NewTenant.of("n", "slug", SubscriptionTier.PRO).limits()).isEqualTo(new TenantLimits(5, 10_000));
    }

    @Test
    void a_tenant_row_without_its_not_null_columns_is_refused() {
        assertThatThrownBy(() -> new Tenant(TenantId.DEFAULT, "n", "s", SubscriptionTier.PRO, TenantStatus.ACTIVE,
                null, "{}", java.time.OffsetDateTime.now(), java.time.OffsetDateTime.now()))
                .isInstanceOf(TenantException.class).hasMessage("limits is required");
    }
}
