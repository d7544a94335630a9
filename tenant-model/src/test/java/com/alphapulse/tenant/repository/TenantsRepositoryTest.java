package com.alphapulse.tenant.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alphapulse.tenant.NewTenant;
import com.alphapulse.tenant.SubscriptionTier;
import com.alphapulse.tenant.Tenant;
import com.alphapulse.tenant.TenantException;
import com.alphapulse.tenant.TenantId;
import com.alphapulse.tenant.TenantLimits;
import com.alphapulse.tenant.TenantStatus;
import com.alphapulse.tenant.testing.TenantTestDatabase;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TenantsRepositoryTest {

    static TenantTestDatabase db;
    static TenantsRepository tenants;

    @BeforeAll
    static void setUp() {
        db = TenantTestDatabase.atHead().start();
        DSLContext dsl = DSL.using(db.appDataSource(), SQLDialect.POSTGRES);
        tenants = TenantsRepository.using(dsl);
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Test
    void create_keeps_every_given_field_and_lets_the_database_assign_id_status_and_timestamps() {
        OffsetDateTime before = OffsetDateTime.now().minusSeconds(5);
        Tenant created = tenants.create(new NewTenant("Acme Trading", "acme", SubscriptionTier.ENTERPRISE,
                new TenantLimits(50, null), "{\"region\": \"eu\", \"flags\": [1, 2]}"));

        assertThat(created.id().value()).isNotNull();
        assertThat(created.name()).isEqualTo("Acme Trading");
        assertThat(created.slug()).isEqualTo("acme");
        assertThat(created.subscriptionTier()).isEqualTo(SubscriptionTier.ENTERPRISE);
        assertThat(created.status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(created.limits()).isEqualTo(new TenantLimits(50, null));
        assertThat(created.metadata()).isEqualTo("{\"flags\": [1, 2], \"region\": \"eu\"}");
        assertThat(created.createdAt()).isAfter(before).isEqualTo(created.updatedAt());
        assertThat(tenants.findById(created.id())).contains(created);
    }

    @Test
    void a_new_tenant_of_defaults_gets_the_column_defaults_of_migration_005() {
        Tenant created = tenants.create(NewTenant.of("Defaults", "defaults", SubscriptionTier.STARTER));
        assertThat(created.limits()).isEqualTo(new TenantLimits(5, 10_000));
        assertThat(created.metadata()).isEqualTo("{}");
    }

    @Test
    void find_by_id_and_by_slug_return_the_stored_tenant_or_nothing() {
        Tenant seeded = tenants.findBySlug("tenant-b").orElseThrow();
        assertThat(seeded.id()).isEqualTo(TenantId.of(TenantTestDatabase.B));
        assertThat(seeded.name()).isEqualTo("Tenant B");
        assertThat(tenants.findById(TenantId.of(TenantTestDatabase.B))).contains(seeded);

        Tenant fallback = tenants.findById(TenantId.DEFAULT).orElseThrow();
        assertThat(fallback.slug()).isEqualTo("default");
        assertThat(fallback.subscriptionTier()).isEqualTo(SubscriptionTier.PRO);

        assertThat(tenants.findById(TenantId.of(UUID.randomUUID()))).isEmpty();
        assertThat(tenants.findBySlug("no-such-slug")).isEmpty();
    }

    @Test
    void list_by_status_returns_only_tenants_in_that_status_oldest_first() {
        Tenant one = tenants.create(NewTenant.of("List 1", "list-1", SubscriptionTier.PRO));
        Tenant two = tenants.create(NewTenant.of("List 2", "list-2", SubscriptionTier.PRO));
        tenants.suspend(one.id());
        tenants.suspend(two.id());
        tenants.cancel(two.id());

        assertThat(tenants.listByStatus(TenantStatus.SUSPENDED)).extracting(Tenant::slug).contains("list-1")
                .doesNotContain("list-2");
        assertThat(tenants.listByStatus(TenantStatus.CANCELLED)).extracting(Tenant::slug).contains("list-2")
                .doesNotContain("list-1");
        assertThat(tenants.listByStatus(TenantStatus.ACTIVE)).extracting(Tenant::slug)
                .startsWith("default").contains("tenant-a", "tenant-b", "tenant-c").doesNotContain("list-1", "list-2");
        assertThat(tenants.listByStatus(TenantStatus.ACTIVE)).allMatch(Tenant::isActive)
                .isSortedAccordingTo((x, y) -> x.createdAt().compareTo(y.createdAt()));
    }

    @Test
    void suspend_reactivate_and_cancel_move_a_tenant_through_its_life_and_repeat_calls_change_nothing() {
        Tenant t = tenants.create(NewTenant.of("Life", "life", SubscriptionTier.STARTER));

        StatusChangeResult suspended = tenants.suspend(t.id());
        assertThat(suspended.previousStatus()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(suspended.tenant().status()).isEqualTo(TenantStatus.SUSPENDED);
        assertThat(suspended.changed()).isTrue();
        assertThat(suspended.tenant().updatedAt()).isAfter(t.updatedAt());
        assertThat(tenants.findById(t.id()).orElseThrow().status()).isEqualTo(TenantStatus.SUSPENDED);

        StatusChangeResult again = tenants.suspend(t.id());
        assertThat(again.changed()).isFalse();
        assertThat(again.tenant()).isEqualTo(suspended.tenant());

        assertThat(tenants.reactivate(t.id()).tenant().status()).isEqualTo(TenantStatus.ACTIVE);

        StatusChangeResult cancelled = tenants.cancel(t.id());
        assertThat(cancelled.previousStatus()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(cancelled.tenant().status()).isEqualTo(TenantStatus.CANCELLED);
        assertThat(tenants.cancel(t.id()).changed()).isFalse();
    }

    @Test
    void a_cancelled_tenant_cannot_be_suspended_or_reactivated_and_stays_cancelled() {
        Tenant t = tenants.create(NewTenant.of("Gone", "gone", SubscriptionTier.STARTER));
        tenants.cancel(t.id());
        assertThatThrownBy(() -> tenants.suspend(t.id()))
                .isInstanceOf(TenantException.class).hasMessageContaining("is cancelled and cannot become suspended")
                .extracting(e -> ((TenantException) e).code()).isEqualTo(TenantException.Code.ILLEGAL_STATUS_CHANGE);
        assertThatThrownBy(() -> tenants.reactivate(t.id()))
                .extracting(e -> ((TenantException) e).code()).isEqualTo(TenantException.Code.ILLEGAL_STATUS_CHANGE);
        assertThat(tenants.findById(t.id()).orElseThrow().status()).isEqualTo(TenantStatus.CANCELLED);
    }

    @Test
    void changing_the_status_of_an_unknown_tenant_is_refused_as_not_found() {
        TenantId nobody = TenantId.of(UUID.randomUUID());
        assertThatThrownBy(() -> tenants.suspend(nobody))
                .isInstanceOf(TenantException.class).hasMessageContaining(nobody.toString())
                .extracting(e -> ((TenantException) e).code()).isEqualTo(TenantException.Code.TENANT_NOT_FOUND);
        assertThatThrownBy(() -> tenants.cancel(nobody))
                .extracting(e -> ((TenantException) e).code()).isEqualTo(TenantException.Code.TENANT_NOT_FOUND);
    }

    @Test
    void a_taken_slug_is_refused_as_duplicate_and_no_second_row_is_written() {
        tenants.create(NewTenant.of("First", "taken", SubscriptionTier.PRO));
        assertThatThrownBy(() -> tenants.create(NewTenant.of("Second", "taken", SubscriptionTier.PRO)))
                .isInstanceOf(TenantException.class).hasMessageContaining("uq_tenants_slug")
                .extracting(e -> ((TenantException) e).code()).isEqualTo(TenantException.Code.DUPLICATE_SLUG);
        assertThat(tenants.findBySlug("taken").orElseThrow().name()).isEqualTo("First");
    }

    @Test
    void every_tier_is_accepted_by_the_database_and_read_back_unchanged() {
        for (SubscriptionTier tier : SubscriptionTier.values()) {
            Tenant t = tenants.create(NewTenant.of("Tier " + tier, "tier-" + tier, tier));
            assertThat(tenants.findById(t.id()).orElseThrow().subscriptionTier()).isEqualTo(tier);
        }
    }

    @Test
    void metadata_that_is_not_json_is_refused_as_an_invalid_argument() {
        assertThatThrownBy(() -> tenants.create(new NewTenant("Bad", "bad-json", SubscriptionTier.PRO,
                TenantLimits.DEFAULT, "{not json")))
                .isInstanceOf(TenantException.class)
                .extracting(e -> ((TenantException) e).code()).isEqualTo(TenantException.Code.INVALID_ARGUMENT);
        assertThat(tenants.findBySlug("bad-json")).isEmpty();
    }

    @Test
    void a_role_without_privileges_on_tenants_is_refused_as_access_denied() throws Exception {
        String role = db.appRole();
        try (var c = db.ownerDataSource().getConnection(); var s = c.createStatement()) {
            s.execute("REVOKE INSERT ON tenants FROM " + role);
        }
        try {
            assertThatThrownBy(() -> tenants.create(NewTenant.of("No", "no-privilege", SubscriptionTier.PRO)))
                    .isInstanceOf(TenantException.class)
                    .extracting(e -> ((TenantException) e).code()).isEqualTo(TenantException.Code.ACCESS_DENIED);
        } finally {
            try (var c = db.ownerDataSource().getConnection(); var s = c.createStatement()) {
                s.execute("GRANT INSERT ON tenants TO " + role);
            }
        }
    }
}
