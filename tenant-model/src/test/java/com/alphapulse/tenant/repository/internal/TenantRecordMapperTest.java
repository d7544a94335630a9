package com.alphapulse.tenant.repository.internal;

import static com.alphapulse.db.schema.head.Tables.TENANTS;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.schema.head.tables.records.TenantsRecord;
import com.alphapulse.tenant.NewTenant;
import com.alphapulse.tenant.SubscriptionTier;
import com.alphapulse.tenant.Tenant;
import com.alphapulse.tenant.TenantId;
import com.alphapulse.tenant.TenantLimits;
import com.alphapulse.tenant.TenantStatus;
import com.alphapulse.tenant.repository.TenantsRepository;
import com.alphapulse.tenant.testing.TenantTestDatabase;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

class TenantRecordMapperTest {

    private final TenantRecordMapper mapper = new TenantRecordMapperImpl();

    @Test
    void record_to_tenant_and_back_is_lossless_for_every_column() {
        for (TenantsRecord original : List.of(fullRecord(), recordWithNullableColumnsNull())) {
            TenantsRecord back = mapper.toRecord(mapper.toTenant(original));
            for (Field<?> field : TENANTS.fields()) {
                assertThat(back.get(field)).as(field.getName()).isEqualTo(original.get(field));
                assertThat(back.changed(field)).as("%s marked changed", field.getName()).isTrue();
            }
            assertThat(Arrays.asList(back.intoArray())).isEqualTo(Arrays.asList(original.intoArray()));
        }
    }

    @Test
    void the_fixture_sets_every_column_to_a_non_default_value_so_the_round_trip_proves_each_one() {
        TenantsRecord full = fullRecord();
        assertThat(full.size()).isEqualTo(TENANTS.fields().length).isEqualTo(10);
        for (Field<?> field : TENANTS.fields()) {
            assertThat(full.get(field)).as(field.getName()).isNotNull();
        }
    }

    @Test
    void tenant_to_record_and_back_is_lossless_for_every_component() {
        Tenant tenant = new Tenant(TenantId.parse("12345678-9abc-4def-8123-456789abcdef"), "Name ✓", "slug-x",
                SubscriptionTier.STARTER, TenantStatus.CANCELLED, new TenantLimits(0, Integer.MAX_VALUE),
                "{\"k\": [true, null, 1.5]}",
                OffsetDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_000, ZoneOffset.ofHoursMinutes(-9, -30)),
                OffsetDateTime.of(2038, 1, 19, 3, 14, 8, 1_000, ZoneOffset.UTC));
        assertThat(mapper.toTenant(mapper.toRecord(tenant))).isEqualTo(tenant);
    }

    @Test
    void a_row_read_from_the_database_maps_to_the_domain_and_back_to_the_same_row() {
        try (TenantTestDatabase db = TenantTestDatabase.atHead().start()) {
            DSLContext dsl = DSL.using(db.appDataSource(), SQLDialect.POSTGRES);
            int seeded = dsl.fetchCount(TENANTS);
            Tenant mapped = TenantsRepository.using(dsl).create(new NewTenant("Mapped", "mapped",
                    SubscriptionTier.ENTERPRISE, new TenantLimits(null, 7), "{\"a\": {\"b\": [1, \"two\"]}}"));
            List<UUID> compared = new ArrayList<>();
            for (TenantsRecord stored : dsl.selectFrom(TENANTS).fetch()) {
                TenantsRecord back = mapper.toRecord(mapper.toTenant(stored));
                assertThat(Arrays.asList(back.intoArray())).as(stored.getSlug())
                        .isEqualTo(Arrays.asList(stored.intoArray()));
                compared.add(stored.getId());
            }
            assertThat(compared).as("every seeded tenant and the new one")
                    .hasSize(seeded + 1)
                    .contains(TenantTestDatabase.A, TenantTestDatabase.B, TenantTestDatabase.C,
                            mapped.id().value());
        }
    }

    @Test
    void a_new_tenant_leaves_id_status_and_timestamps_untouched_so_the_column_defaults_apply() {
        TenantsRecord row = new TenantsRecord();
        mapper.copyNew(new NewTenant("N", "n", SubscriptionTier.PRO, new TenantLimits(1, 2), null), row);
        assertThat(row.changed(TENANTS.ID)).isFalse();
        assertThat(row.changed(TENANTS.STATUS)).isFalse();
        assertThat(row.changed(TENANTS.CREATED_AT)).isFalse();
        assertThat(row.changed(TENANTS.UPDATED_AT)).isFalse();
        assertThat(row.getName()).isEqualTo("N");
        assertThat(row.getSubscriptionTier()).isEqualTo("pro");
        assertThat(row.getMaxUsers()).isEqualTo(1);
        assertThat(row.getMaxApiCallsPerDay()).isEqualTo(2);
        assertThat(row.changed(TENANTS.METADATA)).as("explicit NULL metadata is written").isTrue();
        assertThat(row.getMetadata()).isNull();
    }

    private static TenantsRecord fullRecord() {
        TenantsRecord r = new TenantsRecord();
        r.setId(UUID.fromString("0f0e0d0c-0b0a-4908-8706-050403020100"));
        r.setName("Full Tenant");
        r.setSlug("full");
        r.setSubscriptionTier("enterprise");
        r.setStatus("suspended");
        r.setMaxUsers(123);
        r.setMaxApiCallsPerDay(456_789);
        r.setCreatedAt(OffsetDateTime.of(2024, 2, 29, 12, 0, 1, 123_456_000, ZoneOffset.ofHours(5)));
        r.setUpdatedAt(OffsetDateTime.of(2025, 3, 1, 0, 0, 0, 0, ZoneOffset.ofHours(-8)));
        r.setMetadata(JSONB.valueOf("{\"plan\": {\"seats\": 123}, \"tags\": [\"x\", \"y\"]}"));
        return r;
    }

    private static TenantsRecord recordWithNullableColumnsNull() {
        TenantsRecord r = fullRecord();
        r.setMaxUsers(null);
        r.setMaxApiCallsPerDay(null);
        r.setMetadata(null);
        return r;
    }
}
