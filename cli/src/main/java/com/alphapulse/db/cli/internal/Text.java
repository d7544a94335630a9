package com.alphapulse.db.cli.internal;

import com.alphapulse.db.engine.DowngradeResult;
import com.alphapulse.db.engine.HistoryResult;
import com.alphapulse.db.rehearsal.LoadDemoDataResult;
import com.alphapulse.db.engine.PlanResult;
import com.alphapulse.db.engine.RepairResult;
import com.alphapulse.db.engine.StampResult;
import com.alphapulse.db.engine.StatusResult;
import com.alphapulse.db.engine.UpgradeResult;
import com.alphapulse.db.engine.VersionRun;
import com.alphapulse.db.verification.Finding;
import com.alphapulse.db.verification.VerifyResult;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** The text form of each result, for people at a terminal. */
final class Text {

    private Text() {}

    static void status(PrintWriter w, StatusResult r) {
        if (!r.historyTable()) {
            w.println("no migration history: this database has never been migrated by Flyway");
        }
        w.printf("recorded version: %s%n", r.currentVersion() == null ? "(none)" : r.currentVersion());
        r.applied().forEach(a -> w.printf("  applied %-4s %-24s %s by %s (%s)%n", a.version(), a.description(),
                a.installedOn(), a.installedBy(), Output.ms(a.executionTime())));
        w.printf("pending: %s%n", r.pending().isEmpty() ? "none" : String.join(", ", r.pending()));
        r.inProgress().ifPresent(p -> w.printf("%s (%s; last moved %s)%n", p.describe(),
                p.running() ? "an engine is running it now" : "stopped part-way: upgrade resumes it", p.updatedAt()));
        if (!r.failed().isEmpty() && r.inProgress().map(p -> !r.failed().contains(p.version().label())).orElse(true)) {
            w.printf("FAILED in history: %s (run repair)%n", String.join(", ", r.failed()));
        }
        if (!r.rollbacks().isEmpty()) {
            w.printf("rollbacks: %d%n", r.rollbacks().size());
            r.rollbacks().forEach(e -> w.printf("  %s undo %s by %s/%s %s%s%n", e.startedAt(), e.version(), e.dbUser(),
                    e.osUser(), e.outcome(), e.reason() == null ? "" : " (" + e.reason() + ")"));
        }
        r.pendingRestores().forEach(p -> w.printf("  archived: %s rows of %s wait for the upgrade to %s to be restored%s%n",
                Output.count(p.rows()), p.table(), p.version(),
                p.stranded() ? " (STRANDED: the restore cannot apply them; see history)" : ""));
        StatusResult.CatalogMatch c = r.catalog();
        if (c != null) {
            w.printf("live catalog: %s%n", c.matchesRecorded() ? "matches the recorded version"
                    : "DOES NOT match the recorded version (identified: " + orNone(c.identified()) + ", nearest: "
                            + orNone(c.nearest()) + ")");
            c.findings().forEach(f -> w.printf("  %s%n", f));
        }
    }

    static void history(PrintWriter w, HistoryResult r) {
        if (r.entries().isEmpty()) {
            w.println("the journal is empty");
            return;
        }
        List<String[]> rows = new java.util.ArrayList<>();
        rows.add(new String[] {"id", "started", "dir", "ver", "db user", "os user", "duration", "archived", "restored",
                "outcome", "reason / message"});
        for (HistoryResult.Entry e : r.entries()) {
            rows.add(new String[] {String.valueOf(e.id()), String.valueOf(e.startedAt()), String.valueOf(e.direction()),
                    String.valueOf(e.version()), String.valueOf(e.dbUser()), String.valueOf(e.osUser()), Output.ms(e.duration()),
                    String.valueOf(e.rowsArchived()), String.valueOf(e.rowsRestored()), String.valueOf(e.outcome()),
                    join(e.reason(), e.message())});
        }
        // numbers right-aligned; the last column is free text and not padded
        table(w, rows, java.util.Set.of(0, 6, 7, 8));
    }

    /** Rows as columns as wide as their widest cell, two spaces apart. */
    static void table(PrintWriter w, List<String[]> rows, java.util.Set<Integer> rightAligned) {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                String cell = row[i];
                if (i == columns - 1) {
                    line.append(cell);
                    break;
                }
                String pad = " ".repeat(width[i] - cell.length());
                line.append(rightAligned.contains(i) ? pad + cell : cell + pad).append("  ");
            }
            w.println(line.toString().stripTrailing());
        }
    }

    static void upgrade(PrintWriter w, UpgradeResult r) {
        w.printf("upgraded %s -> %s in %s%n", r.fromVersion().label(), r.toVersion(), Output.ms(r.total()));
        runs(w, r.versions());
        if (r.versions().isEmpty()) {
            w.println("  already up to date");
        }
    }

    static void downgrade(PrintWriter w, DowngradeResult r) {
        w.printf("downgraded %s -> %s in %s (data-loss risk %s, %s rows archived)%n", r.fromVersion(), r.toVersion(),
                Output.ms(r.total()), r.risk(), Output.count(r.rowsArchived()));
        runs(w, r.versions());
        r.warnings().forEach(x -> w.printf("WARNING: %s%n", x));
    }

    private static void runs(PrintWriter w, List<VersionRun> runs) {
        for (VersionRun v : runs) {
            w.printf("  %-4s %-5s %-26s %9s  archived %s, restored %s, blocking lock %s%s%n", v.direction(), v.version(),
                    v.description(), Output.ms(v.duration()), Output.count(v.rowsArchived()), Output.count(v.rowsRestored()),
                    Output.ms(v.blockingLock()), v.attempts() > 1 ? ", " + v.attempts() + " attempts" : "");
            v.phases().forEach(p -> w.printf("       %s: %s rows in %s (%s/s)%n", p.name(), Output.count(p.rows()),
                    Output.ms(p.duration()), Output.count(p.rowsPerSecond())));
            v.notices().forEach(n -> w.printf("       %s%n", n));
        }
    }

    static void plan(PrintWriter w, PlanResult r, boolean statements) {
        w.printf("downgrade plan %s -> %s: overall data-loss risk %s%n", r.fromVersion(), r.toVersion(), r.risk());
        for (PlanResult.Step s : r.steps()) {
            w.printf("  undo %s %s: risk %s%n", s.version(), s.description(), s.risk());
            s.dataLoss().forEach(d -> w.printf("      data: %s%n", d));
            s.locks().stream().map(Object::toString).distinct().forEach(l -> w.printf("      lock: %s%n", l));
            if (statements) {
                s.statements().forEach(st -> w.printf("      sql:  %s%n", oneLine(st.sql())));
            }
        }
        r.warnings().forEach(x -> w.printf("WARNING: %s%n", x));
        r.blockers().forEach(x -> w.printf("BLOCKED: %s%n", x));
        w.flush();
    }

    /** The plan as a SQL script: the plan's verdict in comments, then the statements. */
    static void planSql(PrintWriter w, com.alphapulse.db.engine.PlanSqlResult r) {
        w.print(r.script());
        r.plan().warnings().forEach(x -> w.printf("-- WARNING: %s%n", x));
        w.flush();
    }

    /** The upgrade as a SQL script, as the engine rendered it. */
    static void upgradeSql(PrintWriter w, com.alphapulse.db.engine.UpgradeSqlResult r) {
        w.print(r.script());
        w.flush();
    }

    static void stamp(PrintWriter w, StampResult r) {
        w.printf("stamped %s -> %s%s; catalog %s%n", r.fromVersion().label(), r.toVersion(), r.forced() ? " (forced)" : "",
                r.catalogMatched() ? "matches" : "does NOT match");
        r.removed().forEach(v -> w.printf("  history row removed: %s%n", v));
        r.inserted().forEach(v -> w.printf("  history row added:   %s%n", v));
    }

    static void provision(PrintWriter w, com.alphapulse.db.engine.ProvisionResult r) {
        w.printf("provisioned %s (%s role)%s in %s%n", r.role(),
                r.kind() == com.alphapulse.db.engine.ProvisionResult.Kind.APPLICATION ? "application" : "migration",
                r.changed() ? "" : ": nothing to do, everything was in place", Output.ms(r.total()));
        for (var a : r.actions()) {
            w.printf("  %-8s %s%s%n", a.done() ? "done" : "already", a.what(), a.done() ? ": " + a.sql() : "");
        }
        r.warnings().forEach(x -> w.printf("WARNING: %s%n", x));
    }

    static void archive(PrintWriter w, com.alphapulse.db.engine.ListArchiveResult r) {
        if (r.entries().isEmpty()) {
            w.println("the archive is empty");
            return;
        }
        w.printf("%-7s  %-20s  %-12s  %-36s  %12s  %s%n", "version", "table", "column", "tenant", "rows", "archived at");
        for (var e : r.entries()) {
            w.printf("%-7s  %-20s  %-12s  %-36s  %12s  %s%s%n", e.version(), e.table(), e.column().isEmpty() ? "(rows)" : e.column(),
                    e.tenant() == null ? "-" : e.tenant(), Output.count(e.rows()), e.archivedAt(),
                    e.stranded() ? "  (stranded: version applied)" : "");
        }
        w.printf("%s archived row(s) and value(s)%n", Output.count(r.rows()));
    }

    static void purge(PrintWriter w, com.alphapulse.db.engine.PurgeArchiveResult r) {
        w.printf("purged the archive of %s: %s row(s) and value(s) deleted for good in %s%n", r.version(),
                Output.count(r.rows()), Output.ms(r.total()));
    }

    static void repair(PrintWriter w, RepairResult r) {
        if (!r.changedAnything()) {
            w.println("nothing to repair");
        }
        r.actions().forEach(a -> w.printf("  %s%n", a));
    }

    static void demoData(PrintWriter w, LoadDemoDataResult r) {
        w.printf("loaded demo data at %s for %d tenants in %s%n", r.version(), r.tenantIds().size(), Output.ms(r.total()));
        for (Map.Entry<String, Long> e : r.rows().entrySet()) {
            w.printf("  %-22s %12s%n", e.getKey(), Output.count(e.getValue()));
        }
    }

    static void verify(PrintWriter w, VerifyResult r) {
        verify(w, r, false);
    }

    /** With {@code strict}, warnings fail too, and the verdict says so. */
    static void verify(PrintWriter w, VerifyResult r, boolean strict) {
        w.printf("verify %s: %d errors, %d warnings (%s)%n", r.version().label(), r.errors().size(), r.warnings().size(),
                Output.ms(r.duration()));
        for (Finding f : r.findings()) {
            w.printf("  %-7s %-24s %-40s %s%n", f.severity(), f.objectType(), f.object(), f.message());
            if (f.expected() != null || f.actual() != null) {
                w.printf("          expected: %s%n          actual:   %s%n", f.expected(), f.actual());
            }
        }
        r.partial().ifPresent(p -> {
            w.printf("  %s%n", p.describe());
            p.missing().forEach(f -> w.printf("    still missing for %s: %s %s (%s)%n", p.version().label(), f.objectType(), f.object(),
                    f.message()));
        });
        if (!r.clean()) {
            w.println("FAIL: the database is not at " + r.version().label());
        } else if (r.partial().isPresent()) {
            w.println("FAIL: the database is at " + r.version().label() + " with part of " + r.partial().get().version().label()
                    + " (see status: upgrade resumes an online version, repair cleans up an interrupted one)");
        } else if (strict && !r.warnings().isEmpty()) {
            w.println("FAIL (--strict): the database is at " + r.version().label() + " with " + r.warnings().size()
                    + " warning(s): objects the version does not have");
        } else {
            w.println("PASS: the database is at " + r.version().label());
        }
    }

    static String orNone(String s) {
        return s == null ? "(none)" : s;
    }

    private static String join(String a, String b) {
        if (a == null || a.isBlank()) {
            return b == null ? "" : b;
        }
        return b == null || b.isBlank() ? a : a + " / " + b;
    }

    /** The statement on one line, whole: a reviewer must see all of it (plan --sql prints it as written). */
    static String oneLine(String sql) {
        return sql.replaceAll("\\s+", " ").trim();
    }
}
