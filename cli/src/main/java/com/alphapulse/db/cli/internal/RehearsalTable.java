package com.alphapulse.db.cli.internal;

import com.alphapulse.db.rehearsal.RehearseResult;
import java.io.PrintWriter;

/** The seed document's table, with measured figures instead of claims. */
final class RehearsalTable {

    private RehearsalTable() {}

    static void print(PrintWriter w, RehearseResult r) {
        w.printf("Rollback rehearsal on %s: %s trades, %d tenants, head %s%n%n", r.database(),
                r.data() == null ? "?" : Output.count(r.data().trades()),
                r.data() == null ? 0 : r.data().tenantIds().size(), r.headVersion());
        boolean load = r.load() != null;
        String format = "| %-11s | %-6s | %9s | %9s | %9s | %-12s | %-14s | %-6s |" + (load ? " %13s |" : "%s") + "%n";
        w.printf(format, "migration", "risk", "rollback", "upgrade", "recovery", "verification", "data integrity", "result",
                load ? "max app wait" : "");
        w.printf("|%s|%s|%s|%s|%s|%s|%s|%s|%s%n", "-".repeat(13), "-".repeat(8), "-".repeat(11), "-".repeat(11),
                "-".repeat(11), "-".repeat(14), "-".repeat(16), "-".repeat(8), load ? "-".repeat(15) + "|" : "");
        for (RehearseResult.Row row : r.rows()) {
            w.printf(format, row.migration(), row.risk(), Output.ms(row.rollback()), Output.ms(row.upgrade()),
                    Output.ms(row.recovery()),
                    row.verifiedAfterRollback() && row.verifiedAfterUpgrade() ? "exact" : "DIFFERS",
                    row.dataIntact() ? "identical" : "DIFFERS",
                    row.passed() && row.recovery() != null && row.recovery().compareTo(r.recoveryTarget()) <= 0 ? "PASS" : "FAIL",
                    load ? Output.ms(row.maxAppWait()) : "");
        }
        w.println();
        if (load) {
            RehearseResult.Load l = r.load();
            w.printf("application load: %d client(s) on %d table(s), %s transactions, %d on a missing row or table, "
                    + "%d error(s), longest wait %s%n", l.clients(), l.tables().size(), Output.count(l.transactions()),
                    l.missing(), l.errors(), Output.ms(l.maxWait()));
            l.errorSamples().forEach(e -> w.printf("  load error: %s%n", e));
        }
        for (RehearseResult.Row row : r.rows()) {
            if (row.error() != null) {
                w.printf("%s: error: %s%n", row.migration(), row.error());
            }
            row.findings().forEach(f -> w.printf("%s: finding: %s%n", row.migration(), f));
            row.differences().forEach(d -> w.printf("%s: data: %s%n", row.migration(), d));
        }
        w.printf("isolation probe at %s: %s (%d checks)%n", r.headVersion(), r.probe().passed() ? "PASS" : "FAIL",
                r.probe().checks());
        r.probe().failures().forEach(f -> w.printf("  %s%n", f));
        w.printf("worst recovery %s against a target of %s: %s%n", Output.ms(r.worstRecovery()),
                Output.ms(r.recoveryTarget()), r.withinTarget() ? "within target" : "TARGET MISSED");
        w.printf("verdict: %s (total %s)%n", r.passed() ? "PASS" : "FAIL", Output.ms(r.total()));
    }
}
