package com.alphapulse.db.verification;

import java.time.Duration;
import java.util.List;

/**
 * What the isolation probe ({@link Verifier#probe()}) found.
 *
 * @param role the role the checks ran as: a temporary NOLOGIN role created inside the probe's transaction
 *     (rolled back with it, so it no longer exists when this result does), or {@link Verifier#PROBE_ROLE}
 * @param provisionedRole true when the checks ran as the provisioned {@link Verifier#PROBE_ROLE} (the data
 *     source's user may not create roles); false when the probe created its own temporary role
 * @param neverSetTenant true when the "no tenant set" checks ran on a session that had never set
 *     {@code app.current_tenant_id} (the setting reads NULL); false when the session had already seen it (a
 *     reused pooled session, or fixture rows written with each tenant in scope), so those checks ran with the
 *     setting emptied, which the "emptied tenant" checks cover anyway
 * @param tenantA the tenant the probe acted as
 * @param tenantB the other tenant, whose rows must stay out of reach
 * @param checks one check per (table, command, case), in the order they ran
 * @param duration how long the probe took, setup and rollback included
 */
public record ProbeResult(String role, boolean provisionedRole, boolean neverSetTenant, String tenantA,
        String tenantB, List<ProbeCheck> checks, Duration duration) {

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
