package com.alphapulse.db.verification;

import com.alphapulse.db.migrations.SchemaVersion;
import java.time.Duration;
import java.util.List;

/**
 * What {@link Verifier#verify(SchemaVersion)} found.
 *
 * @param version the version the database was compared with
 * @param findings every difference, errors first; empty for a database exactly at {@code version}
 * @param partial the next version when part of it is there too, else empty
 * @param duration how long reading and comparing took
 */
public record VerifyResult(SchemaVersion version, List<Finding> findings, java.util.Optional<PartialVersion> partial,
        Duration duration) {

    public VerifyResult {
        findings = List.copyOf(findings);
    }

    /** True when there is no {@link Severity#ERROR}: the database is at {@code version}, extras aside. */
    public boolean clean() {
        return findings.stream().noneMatch(Finding::isError);
    }

    /** True when there is no finding at all. */
    public boolean exact() {
        return findings.isEmpty();
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
