package com.alphapulse.db.rehearsal;

import java.time.Duration;
import java.util.Objects;

/**
 * How big a rehearsal's data is, and the recovery time every step must stay under.
 *
 * @param tenants demo tenants to load
 * @param scale demo data volume; 1 is about 100,000 trades
 * @param seed random seed of the demo data
 * @param recoveryTarget the longest acceptable time from the start of a rollback to the verified re-upgrade
 */
public record RehearseOptions(int tenants, double scale, long seed, Duration recoveryTarget) {

    /** The seed document's target: recovery within ten minutes. */
    public static final Duration DEFAULT_RECOVERY_TARGET = Duration.ofMinutes(10);

    public RehearseOptions {
        new DemoDataOptions(tenants, scale, seed); // same bounds as the demo data
        Objects.requireNonNull(recoveryTarget, "recoveryTarget");
        if (recoveryTarget.isNegative() || recoveryTarget.isZero()) {
            throw new IllegalArgumentException("recoveryTarget must be positive");
        }
    }

    /** Three tenants, scale 0.5 (about 50,000 trades), the ten-minute target. */
    public static RehearseOptions defaults() {
        return new RehearseOptions(3, 0.5, 42, DEFAULT_RECOVERY_TARGET);
    }
}
