package com.alphapulse.db.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static EngineSettings settings(Duration backoff) {
        return new EngineSettings(null, "test", null, Duration.ofSeconds(1), Duration.ofSeconds(1), 5, backoff, null, List.of(),
                null, null, null, line -> { });
    }

    @Test
    @DisplayName("the retry backoff doubles per retry and is jittered within [b/2, 3b/2), never above 30 s")
    void jittered_exponential_backoff() {
        EngineSettings s = settings(Duration.ofMillis(200));
        assertThat(s.backoff(1, 0.0)).isEqualTo(Duration.ofMillis(100));
        assertThat(s.backoff(1, 0.5)).isEqualTo(Duration.ofMillis(200));
        assertThat(s.backoff(3, 0.5)).isEqualTo(Duration.ofMillis(800));
        assertThat(s.backoff(3, 0.999)).isLessThan(Duration.ofMillis(1200)).isGreaterThan(Duration.ofMillis(1190));
        assertThat(s.backoff(30, 0.999)).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.backoff(30, 0.0)).isEqualTo(Duration.ofSeconds(15));
        Set<Duration> drawn = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Duration d = s.backoff(2);
            assertThat(d).isBetween(Duration.ofMillis(200), Duration.ofMillis(600));
            drawn.add(d);
        }
        assertThat(drawn).as("jittered, not one fixed wait").hasSizeGreaterThan(10);
        assertThat(settings(Duration.ZERO).backoff(4)).isZero();
    }

    @Test
    @DisplayName("a deadlock maps to LOCK_TIMEOUT like a lock timeout, and the two are told apart")
    void deadlock_is_a_lock_conflict() {
        assertThat(Errors.code("40P01", "deadlock detected")).isEqualTo(com.alphapulse.db.engine.MigrationException.Code.LOCK_TIMEOUT);
        assertThat(Errors.lockConflict(new java.sql.SQLException("deadlock detected", "40P01"))).isEqualTo("deadlock");
        assertThat(Errors.lockConflict(new java.sql.SQLException("canceling statement due to lock timeout", "55P03")))
                .isEqualTo("lock not granted");
        assertThat(Errors.lockConflict(new java.sql.SQLException("boom", "XX000"))).isNull();
    }
}
