package com.alphapulse.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alphapulse.db.schema.AlphaPulseSchema;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TenantIdTest {

    @Test
    void parses_a_canonical_uuid_in_either_case_and_prints_it_as_postgresql_does() {
        TenantId upper = TenantId.parse("AAAAAAAA-0000-4000-8000-00000000000A");
        TenantId lower = TenantId.parse("aaaaaaaa-0000-4000-8000-00000000000a");
        assertThat(upper).isEqualTo(lower).hasToString("aaaaaaaa-0000-4000-8000-00000000000a");
        assertThat(upper.value()).isEqualTo(UUID.fromString("aaaaaaaa-0000-4000-8000-00000000000a"));
        assertThat(TenantId.of(upper.value())).isEqualTo(upper);
    }

    @Test
    void the_default_tenant_constant_is_the_tenant_migration_005_seeds() {
        assertThat(TenantId.DEFAULT).hasToString("00000000-0000-0000-0000-000000000001");
        assertThat(TenantId.DEFAULT.toString()).isEqualTo(AlphaPulseSchema.DEFAULT_TENANT_ID);
        assertThat(TenantId.DEFAULT.isDefault()).isTrue();
        assertThat(TenantId.parse("00000000-0000-0000-0000-000000000002").isDefault()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "not-a-uuid",
        "1-2-3-4-5",
        "00000000-0000-0000-0000-00000000001",
        "00000000-0000-0000-0000-0000000000001",
        "000000000000000000000000000000000001",
        "00000000000000000000000000000001",
        "{00000000-0000-0000-0000-000000000001}",
        " 00000000-0000-0000-0000-000000000001",
        "00000000-0000-0000-0000-000000000001\n",
        "g0000000-0000-0000-0000-000000000001",
        "00000000-0000-0000-0000-000000000001'; DROP TABLE tenants; --"
    })
    void a_malformed_tenant_id_is_rejected_with_a_message_naming_it_and_the_expected_form(String text) {
        assertThatThrownBy(() -> TenantId.parse(text))
                .isInstanceOf(TenantException.class)
                .hasMessageContaining("malformed tenant id")
                .hasMessageContaining(text.strip().substring(0, Math.min(10, text.strip().length())))
                .hasMessageContaining("expected a UUID")
                .extracting(e -> ((TenantException) e).code()).isEqualTo(TenantException.Code.INVALID_TENANT_ID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\t"})
    void a_blank_tenant_id_is_rejected_as_missing(String text) {
        assertThatThrownBy(() -> TenantId.parse(text))
                .isInstanceOf(TenantException.class)
                .hasMessage("a tenant id is required, got a blank string");
    }

    @Test
    void a_null_tenant_id_is_rejected_as_missing_whether_text_or_uuid() {
        assertThatThrownBy(() -> TenantId.parse(null)).isInstanceOf(TenantException.class)
                .hasMessage("a tenant id is required, got null");
        assertThatThrownBy(() -> TenantId.of(null)).isInstanceOf(TenantException.class)
                .hasMessage("a tenant id is required, got null");
    }

    @Test
    void an_oversized_input_is_shortened_in_the_message_and_control_characters_are_masked() {
        String huge = "x".repeat(10_000);
        assertThatThrownBy(() -> TenantId.parse(huge))
                .hasMessageContaining("x".repeat(60) + "...")
                .hasMessageNotContaining("x".repeat(61));
        assertThatThrownBy(() -> TenantId.parse("abc\r\nforged log line"))
                .hasMessageContaining("abc??forged log line");
    }

    @Test
    void tenant_ids_order_as_postgresql_orders_uuids() {
        TenantId low = TenantId.parse("7fffffff-ffff-ffff-ffff-ffffffffffff");
        TenantId high = TenantId.parse("80000000-0000-0000-0000-000000000000");
        // java.util.UUID compares signed longs and would put high first.
        assertThat(high.value().compareTo(low.value())).isNegative();
        assertThat(low).isLessThan(high);
    }
}
