package com.alphapulse.db.verification;

import java.time.Duration;
import java.util.List;

/**
 * What {@link Verifier#checkTenancy(String)} found: the rules every multi-tenant schema must keep, checked
 * on the live catalog whatever its version.
 *
 * @param applicationRole the role the application connects as, or null when it was not checked
 * @param tenantTables the tables the rules were applied to, alphabetically: those with a {@code tenant_id}
 *     column, row-level security or a policy, and the schema's tenant tables present
 * @param findings every broken rule, errors first
 * @param duration how long the check took
 */
public record TenancyResult(String applicationRole, List<String> tenantTables, List<Finding> findings,
        Duration duration) {

    public TenancyResult {
        tenantTables = List.copyOf(tenantTables);
        findings = List.copyOf(findings);
    }

    /** True when no rule is broken. */
    public boolean clean() {
        return findings.stream().noneMatch(Finding::isError);
    }

    /** The {@link Severity#ERROR} findings. */
    public List<Finding> errors() {
        return findings.stream().filter(Finding::isError).toList();
    }

    /** The {@link Severity#WARNING} findings. */
    public List<Finding> warnings() {
        return findings.stream().filter(f -> !f.isError()).toList();
    }
}
