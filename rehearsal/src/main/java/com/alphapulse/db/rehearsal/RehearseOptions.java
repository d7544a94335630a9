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
 * @param loadClients application clients kept running during the rehearsal (0 to {@value #MAX_LOAD_CLIENTS};
 *     0 runs none), each measuring how long its transactions wait
 */
public record RehearseOptions(int tenants, double scale, long seed, Duration recoveryTarget, int loadClients) {

    /** The most application clients a rehearsal runs. */
    public static final int MAX_LOAD_CLIENTS = 64;

    /** The seed document's target: recovery within ten minutes. */
    public static final Duration DEFAULT_RECOVERY_TARGET = Duration.ofMinutes(10);

    public RehearseOptions {
        new DemoDataOptions(tenants, scale, seed); // same bounds as the demo data
        Objects.requireNonNull(recoveryTarget, "recoveryTarget");
        if (recoveryTarget.isNegative() || recoveryTarget.isZero()) {
            throw new IllegalArgumentException("recoveryTarget must be positive");
        }
        if (loadClients < 0 || loadClients > MAX_LOAD_CLIENTS) {
            throw new IllegalArgumentException("load must be between 0 and " + MAX_LOAD_CLIENTS + " clients, not " + loadClients);
        }
    }

    /** Options without application load. */
    public RehearseOptions(int tenants, double scale, long seed, Duration recoveryTarget) {
        this(tenants, scale, seed, recoveryTarget, 0);
    }

    /** These options with {@code clients} application clients running during the rehearsal. */
    public RehearseOptions withLoad(int clients) {
        return new RehearseOptions(tenants, scale, seed, recoveryTarget, clients);
    }

    /** Three tenants, scale 0.5 (about 50,000 trades), the ten-minute target. */
    public static RehearseOptions defaults() {
        return new RehearseOptions(3, 0.5, 42, DEFAULT_RECOVERY_TARGET);
    }
}
