package com.alphapulse.db.cli.internal;

import com.alphapulse.db.cli.ExitCode;
import com.alphapulse.db.verification.QueryOverhead;
import com.alphapulse.db.verification.RlsOverheadResult;
import com.alphapulse.db.verification.Verifier;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "rls-overhead", mixinStandardHelpOptions = true,
        description = "Measure what row-level security costs: the same tenant-scoped queries as the application role "
                + "under RLS and as the owner with an explicit WHERE, and whether the plans use the composite indexes. "
                + "Needs data (see demo-data).",
        footer = {"", "Example:", "  java -jar cli.jar rls-overhead --url jdbc:postgresql://db:5432/alphapulse --user admin --iterations 50"})
final class RlsOverheadCommand extends DatabaseCommand {

    @Option(names = "--iterations", defaultValue = "30", description = "runs of each query (default: ${DEFAULT-VALUE})")
    int iterations;

    @Override
    void validate() {
        if (iterations < 1) {
            throw new UsageException("--iterations must be at least 1");
        }
    }

    @Override
    boolean needsExistingDatabase() {
        return true;
    }

    @Override
    ExitCode run(Session session, Output out, Progress progress) {
        progress.say("measuring RLS overhead (" + iterations + " runs per query) on " + session.describe());
        RlsOverheadResult result = Verifier.on(session.dataSource()).measureRlsOverhead(iterations);
        out.emit(result, w -> {
            w.printf("tenant %s: %s of %s trades, %d runs per query%n", result.tenant(),
                    Output.count(result.tenantTrades()), Output.count(result.totalTrades()), result.iterations());
            w.printf("%-34s %12s %12s %9s  %s%n", "query", "RLS median", "owner median", "overhead", "composite index (RLS/owner)");
            for (QueryOverhead q : result.queries()) {
                w.printf(Locale.ROOT, "%-34s %9.3f ms %9.3f ms %8.2fx  %s/%s%n", q.name(),
                        q.rlsMedian().toNanos() / 1e6, q.ownerMedian().toNanos() / 1e6, q.overhead(),
                        q.rlsUsesCompositeIndex() ? "yes" : "no", q.ownerUsesCompositeIndex() ? "yes" : "no");
            }
            w.printf(Locale.ROOT, "worst overhead %.2fx (the seed's alarm threshold is 10x)%n", result.worstOverhead());
        });
        return ExitCode.OK;
    }
}
