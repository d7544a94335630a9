package com.alphapulse.db.rehearsal.internal;

import com.alphapulse.db.engine.DowngradeOptions;
import com.alphapulse.db.engine.DowngradeResult;
import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.MigrationException.Code;
import com.alphapulse.db.engine.Risk;
import com.alphapulse.db.engine.UpgradeResult;
import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.rehearsal.DemoDataOptions;
import com.alphapulse.db.rehearsal.LoadDemoDataResult;
import com.alphapulse.db.rehearsal.RehearseOptions;
import com.alphapulse.db.rehearsal.RehearseResult;
import com.alphapulse.db.verification.CompareResult;
import com.alphapulse.db.verification.DataSnapshot;
import com.alphapulse.db.verification.ProbeResult;
import com.alphapulse.db.verification.SnapshotDifference;
import com.alphapulse.db.verification.Verifier;
import com.alphapulse.db.verification.VerifyResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * The seed's test_rollback.py done properly: every rollback rehearsed on real data, verified, compared and
 * timed. Runs on the engine's own database, which must be an empty scratch database (it is migrated, filled
 * and rolled back); one with any table in schema public is refused before anything runs.
 */
public final class Rehearsal {

    private final MigrationEngine engine;
    private final Verifier verifier;
    private final Consumer<String> progress;
    /** The application load of the running rehearsal, or null. */
    private AppLoad load;

    public Rehearsal(MigrationEngine engine, Consumer<String> progress) {
        this.engine = engine;
        this.verifier = Verifier.on(engine.dataSource(), engine.migrations());
        this.progress = progress;
    }

    public RehearseResult run(RehearseOptions options) {
        Instant start = Instant.now();
        refuseUnlessEmpty();
        MigrationSet set = engine.migrations();
        SchemaVersion head = set.head();
        // Every version above the first is rehearsed on its own; the full cycle goes down to the first
        // version, the lowest that still holds tables to compare.
        SchemaVersion lowestSingle = set.versions().size() > 1 ? set.versions().get(1) : head;
        SchemaVersion full = set.first();
        progress.accept("rehearsal: migrating the scratch database to " + head.label());
        engine.upgrade("head");
        progress.accept("rehearsal: loading demo data (" + options.tenants() + " tenants, scale " + options.scale() + ")");
        LoadDemoDataResult data = DemoData.load(engine, progress, new DemoDataOptions(options.tenants(), options.scale(), options.seed()));

        AppLoad started = null;
        if (options.loadClients() > 0) {
            progress.accept("rehearsal: starting " + options.loadClients() + " application client(s)");
            started = AppLoad.start(engine.dataSource(), set, data.tenantIds(), options.loadClients(), options.seed());
        }
        load = started;
        List<RehearseResult.Row> rows = new ArrayList<>();
        ProbeResult probe;
        try {
            probe = rows(set, head, lowestSingle, full, rows);
        } finally {
            if (started != null) {
                started.close();
            }
        }
        return finish(start, head, data, rows, probe, options);
    }

    /** Every row, into {@code rows}; the probe, or null when a row failed first. */
    private ProbeResult rows(MigrationSet set, SchemaVersion head, SchemaVersion lowestSingle, SchemaVersion full,
            List<RehearseResult.Row> rows) {
        DataSnapshot initial = verifier.snapshot();
        List<SchemaVersion> versions = new ArrayList<>(set.versions());
        java.util.Collections.reverse(versions);
        // Walk down one version at a time: rehearse v -> v-1 -> v, then step down to v-1 for the next row.
        for (SchemaVersion v : versions) {
            if (v.compareTo(lowestSingle) < 0) {
                break;
            }
            SchemaVersion below = set.require(set.previous(v.version()));
            RehearseResult.Row row = cycle(v.label(), v, below, null);
            rows.add(row);
            if (row.error() != null) {
                return null;
            }
            if (below.compareTo(lowestSingle) >= 0) {
                progress.accept("rehearsal: stepping down to " + below.label());
                try {
                    engine.downgrade(below.label(), DowngradeOptions.defaults());
                } catch (RuntimeException e) {
                    rows.add(failed("step down " + v.label() + " -> " + below.label(), v, below, e));
                    return null;
                }
            }
        }
        progress.accept("rehearsal: back up to " + head.label());
        try {
            engine.upgrade("head");
        } catch (RuntimeException e) {
            rows.add(failed("back up " + lowestSingle.label() + " -> " + head.label(), lowestSingle, head, e));
            return null;
        }
        RehearseResult.Row fullRow = cycle(head.label() + " -> " + full.label(), head, full, initial);
        rows.add(fullRow);
        if (fullRow.error() != null) {
            return null;
        }
        progress.accept("rehearsal: isolation probe at " + head.label());
        return verifier.probe();
    }

    /** A row for a move between rows that failed: nothing measured, nothing verified, the failure named. */
    private static RehearseResult.Row failed(String label, SchemaVersion from, SchemaVersion to, RuntimeException e) {
        return new RehearseResult.Row(label, from.label(), to.label(), Risk.NONE, null, null, null, false, false,
                List.of(), false, List.of(), 0, 0, e.getMessage() == null ? e.toString() : e.getMessage());
    }

    /** A rehearsal migrates, fills and rolls back its database: never one that holds anything. */
    private void refuseUnlessEmpty() {
        List<String> tables = engine.withConnection("rehearse", c -> DSL.using(c, SQLDialect.POSTGRES)
                .fetch("SELECT k.relname FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace "
                        + "WHERE n.nspname = 'public' AND k.relkind IN ('r', 'p') ORDER BY 1").getValues(0, String.class));
        if (!tables.isEmpty()) {
            throw new MigrationException(Code.PRECONDITION_FAILED, "rehearse needs an empty scratch database, but schema "
                    + "public of " + engine.database() + " has " + tables.size() + " table(s) (e.g. "
                    + String.join(", ", tables.subList(0, Math.min(3, tables.size()))) + "); nothing was changed");
        }
    }

    private RehearseResult finish(Instant start, SchemaVersion head, LoadDemoDataResult data,
            List<RehearseResult.Row> rows, ProbeResult probe, RehearseOptions options) {
        RehearseResult.Probe p = probe == null
                ? new RehearseResult.Probe(false, 0, List.of("not run: an earlier step failed"))
                : new RehearseResult.Probe(probe.passed(), probe.checks().size(),
                        probe.failures().stream().map(c -> c.name() + ": " + c.detail()).toList());
        return new RehearseResult(engine.database(), head.label(), data, rows, p, options.recoveryTarget(),
                Duration.between(start, Instant.now()), Instant.now(), load == null ? null : load.summary());
    }

    /**
     * Roll {@code high} back to {@code low}, verify, re-upgrade, verify, and compare data all along; when
     * {@code initial} is given, the data before the rollback must also equal it.
     */
    private RehearseResult.Row cycle(String label, SchemaVersion high, SchemaVersion low, DataSnapshot initial) {
        progress.accept("rehearsal: rollback " + high.label() + " -> " + low.label());
        Risk risk = Risk.NONE;
        Duration rollback = null;
        Duration upgrade = null;
        Duration recovery = null;
        VerifyResult down = null;
        VerifyResult up = null;
        List<String> differences = new ArrayList<>();
        long archived = 0;
        long restored = 0;
        String error = null;
        boolean intact = false;
        long windowStart = load == null ? 0 : load.now();
        long windowEnd = 0;
        try {
            DataSnapshot before = verifier.snapshot();
            Instant t0 = Instant.now();
            DowngradeResult d = engine.downgrade(low.label(), DowngradeOptions.defaults());
            rollback = Duration.between(t0, Instant.now());
            // the downgrade planned under its lock; its risk is the one a separate plan() would report
            risk = d.risk();
            archived = d.rowsArchived();
            down = verifier.verify(low);
            DataSnapshot atLow = verifier.snapshot();
            // while rolled back, every row of every table that still exists must still be there
            CompareResult whileDown = Verifier.compare(before.restrictTo(atLow.tableNames()), atLow);
            progress.accept("rehearsal: upgrade " + low.label() + " -> " + high.label());
            Instant t1 = Instant.now();
            UpgradeResult u = engine.upgrade(high.label());
            upgrade = Duration.between(t1, Instant.now());
            windowEnd = load == null ? 0 : load.now();
            restored = u.rowsRestored();
            up = verifier.verify(high);
            recovery = Duration.between(t0, Instant.now());
            CompareResult afterUp = Verifier.compare(before, verifier.snapshot());
            CompareResult sinceStart = initial == null ? new CompareResult(List.of()) : Verifier.compare(initial, before);
            describe("after the step-by-step walk back to " + high.label(), sinceStart, differences);
            describe("while at " + low.label(), whileDown, differences);
            describe("after re-upgrade", afterUp, differences);
            intact = sinceStart.identical() && whileDown.identical() && afterUp.identical();
        } catch (RuntimeException e) {
            error = e.getMessage();
        }
        List<String> findings = new ArrayList<>();
        if (down != null) {
            down.findings().forEach(f -> findings.add("at " + low.label() + ": " + f));
        }
        if (up != null) {
            up.findings().forEach(f -> findings.add("at " + high.label() + ": " + f));
        }
        LatencyLog.Window w = load == null ? null : load.window(windowStart, windowEnd == 0 ? load.now() : windowEnd);
        return new RehearseResult.Row(label, high.label(), low.label(), risk, rollback, upgrade, recovery,
                down != null && down.exact(), up != null && up.exact(), findings, intact, differences, archived,
                restored, error, w == null ? null : w.max(), w == null ? null : w.p99());
    }

    private static void describe(String when, CompareResult r, List<String> out) {
        for (SnapshotDifference d : r.differences()) {
            out.add(when + ": " + d.message());
        }
    }
}
