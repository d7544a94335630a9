package com.alphapulse.db.verification;

import java.time.Duration;
import java.util.List;

/**
 * What the isolation probe ({@link Verifier#probe()}) found.
 *
 * @param role the temporary role the probe ran as (already dropped when this result exists)
 * @param loginSession true when the probe logged in as that role; false when the data source could not
 *     open a session for it and the probe fell back to {@code SET ROLE} on an administrative session
 *     (row-level security applies to the current role either way)
 * @param tenantA the tenant the probe acted as
 * @param tenantB the other tenant, whose rows must stay out of reach
 * @param checks one check per (table, command, case), in the order they ran
 * @param duration how long the probe took, setup and cleanup included
 */
public record ProbeResult(String role, boolean loginSession, String tenantA, String tenantB, List<ProbeCheck> checks,
        Duration duration) {

    public ProbeResult {
        checks = List.copyOf(checks);
    }

    /** True when every check passed. */
    public boolean passed() {
        return checks.stream().allMatch(ProbeCheck::passed);
    }

    /** The checks that failed. */
    public List<ProbeCheck> failures() {
        return checks.stream().filter(c -> !c.passed()).toList();
    }
}
