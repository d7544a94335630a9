package com.alphapulse.db.engine.internal;

import com.alphapulse.db.migrations.Version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.MigrationException.Code;
import org.junit.jupiter.api.Test;

class TargetsTest {

    private static final com.alphapulse.db.migrations.MigrationSet SET = com.alphapulse.db.schema.AlphaPulseSchema.migrations();

    @Test
    void upgrade_targets_head_relative_and_versions() {
        assertThat(Targets.upgrade(SET, "head", Version.of(0))).isEqualTo(Version.of(11));
        assertThat(Targets.upgrade(SET, "+1", Version.of(0))).isEqualTo(Version.of(1));
        assertThat(Targets.upgrade(SET, "+2", Version.of(2))).isEqualTo(Version.of(6));
        assertThat(Targets.upgrade(SET, "007", Version.of(5))).isEqualTo(Version.of(7));
        assertThat(Targets.upgrade(SET, "V8", Version.of(5))).isEqualTo(Version.of(8));
    }

    @Test
    void downgrade_targets_relative_versions_and_base() {
        assertThat(Targets.downgrade(SET, "-1", Version.of(9))).isEqualTo(Version.of(8));
        assertThat(Targets.downgrade(SET, "-3", Version.of(9))).isEqualTo(Version.of(6));
        assertThat(Targets.downgrade(SET, "-7", Version.of(9))).isEqualTo(Version.BASE);
        assertThat(Targets.downgrade(SET, "002", Version.of(9))).isEqualTo(Version.of(2));
        assertThat(Targets.downgrade(SET, "base", Version.of(9))).isEqualTo(Version.BASE);
    }

    @Test
    void bad_targets_have_distinct_codes() {
        assertCode(() -> Targets.upgrade(SET, "3", Version.of(2)), Code.UNKNOWN_VERSION);
        assertCode(() -> Targets.downgrade(SET, "banana", Version.of(9)), Code.UNKNOWN_VERSION);
        assertCode(() -> Targets.upgrade(SET, "005", Version.of(7)), Code.INVALID_TARGET);
        assertCode(() -> Targets.downgrade(SET, "008", Version.of(7)), Code.INVALID_TARGET);
        assertCode(() -> Targets.upgrade(SET, "+4", Version.of(8)), Code.INVALID_TARGET);
        assertCode(() -> Targets.downgrade(SET, "-8", Version.of(9)), Code.INVALID_TARGET);
        assertCode(() -> Targets.downgrade(SET, "-x", Version.of(9)), Code.INVALID_TARGET);
        assertCode(() -> Targets.upgrade(SET, "-1", Version.of(9)), Code.INVALID_TARGET);
    }

    private static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Code code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(MigrationException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
