package com.alphapulse.db.cli.internal;

import com.alphapulse.db.cli.ExitCode;
import com.alphapulse.db.verification.ProbeCheck;
import com.alphapulse.db.verification.ProbeResult;
import com.alphapulse.db.verification.Verifier;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Tenant-isolation probe: as a NOLOGIN role (neither owner nor BYPASSRLS; the provisioned "
                + "alphapulse_probe when the user may not create roles) with rows of two tenants, check "
                + "SELECT/INSERT/UPDATE/DELETE on every tenant table, with no tenant set, as one tenant, and with "
                + "the tenant emptied. One transaction, always rolled back: nothing is left behind.",
        footer = {"", "Example:", "  java -jar cli.jar probe --url jdbc:postgresql://db:5432/alphapulse --user admin --junit probe.xml"})
final class ProbeCommand extends DatabaseCommand {

    @Option(names = "--junit", paramLabel = "FILE", description = "also write a JUnit XML report, one test case per check")
    Path junit;

    @Override
    boolean needsExistingDatabase() {
        return true;
    }

    @Override
    ExitCode run(Session session, Output out, Progress progress) {
        progress.say("probing tenant isolation on " + session.describe());
        ProbeResult result = Verifier.on(session.dataSource()).probe();
        if (junit != null) {
            JUnitReport report = new JUnitReport("tenant-isolation-probe");
            result.checks().forEach(c -> report.add("probe." + c.table(), c.command() + " " + c.scenario(),
                    c.passed(), c.detail(), null));
            report.write(junit);
        }
        out.emit(result, w -> {
            w.printf("isolation probe as %s (tenants %s, %s): %d checks, %d failed, %s%n", result.role(),
                    result.tenantA(), result.tenantB(), result.checks().size(), result.failures().size(),
                    Output.ms(result.duration()));
            for (ProbeCheck c : result.failures()) {
                w.printf("  FAIL %-22s %-7s %s: %s%n", c.table(), c.command(), c.scenario(), c.detail());
            }
            w.println(result.passed() ? "PASS: no tenant can see or touch another tenant's rows" : "FAIL: tenant isolation is broken");
        });
        return result.passed() ? ExitCode.OK : ExitCode.VERIFICATION_FAILED;
    }
}
