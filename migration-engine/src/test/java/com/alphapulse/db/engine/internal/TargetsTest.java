package com.alphapulse.db.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.MigrationException.Code;
import org.junit.jupiter.api.Test;

class TargetsTest {

    private static final com.alphapulse.db.migrations.MigrationSet SET = com.alphapulse.db.schema.AlphaPulseSchema.migrations();

    @Test
    void upgrade_targets_head_relative_and_versions() {
        assertThat(Targets.upgrade(SET, "head", 0)).isEqualTo(9);
        assertThat(Targets.upgrade(SET, "+1", 0)).isEqualTo(1);
        assertThat(Targets.upgrade(SET, "+2", 2)).isEqualTo(6);
        assertThat(Targets.upgrade(SET, "007", 5)).isEqualTo(7);
        assertThat(Targets.upgrade(SET, "V8", 5)).isEqualTo(8);
    }

    @Test
    void downgrade_targets_relative_versions_and_base() {
        assertThat(Targets.downgrade(SET, "-1", 9)).isEqualTo(8);
        assertThat(Targets.downgrade(SET, "-3", 9)).isEqualTo(6);
        assertThat(Targets.downgrade(SET, "-7", 9)).isZero();
        assertThat(Targets.downgrade(SET, "002", 9)).isEqualTo(2);
        assertThat(Targets.downgrade(SET, "base", 9)).isZero();
    }

    @Test
    void bad_targets_have_distinct_codes() {
        assertCode(() -> Targets.upgrade(SET, "3", 2), Code.UNKNOWN_VERSION);
        assertCode(() -> Targets.downgrade(SET, "banana", 9), Code.UNKNOWN_VERSION);
        assertCode(() -> Targets.upgrade(SET, "005", 7), Code.INVALID_TARGET);
        assertCode(() -> Targets.downgrade(SET, "008", 7), Code.INVALID_TARGET);
        assertCode(() -> Targets.upgrade(SET, "+3", 8), Code.INVALID_TARGET);
        assertCode(() -> Targets.downgrade(SET, "-8", 9), Code.INVALID_TARGET);
        assertCode(() -> Targets.downgrade(SET, "-x", 9), Code.INVALID_TARGET);
        assertCode(() -> Targets.upgrade(SET, "-1", 9), Code.INVALID_TARGET);
    }

    private static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Code code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(MigrationException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
