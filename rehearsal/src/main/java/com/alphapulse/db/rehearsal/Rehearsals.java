package com.alphapulse.db.rehearsal;

import com.alphapulse.db.engine.EngineConfig;
import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.rehearsal.internal.DemoData;
import com.alphapulse.db.rehearsal.internal.Rehearsal;
import com.alphapulse.db.rehearsal.internal.Runbook;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Demo data, the rollback rehearsal and the runbook, built on the engine's and verification's public API:
 * one object per database and migration set, configured exactly like a {@link MigrationEngine} (the same
 * {@link EngineConfig}: data source or URL, migration set, timeouts, progress listener), with a verb per command.
 *
 * <pre>{@code
 * Rehearsals rehearsals = Rehearsals.on(MigrationEngine.configure().dataSource(scratch));
 * RehearseResult r = rehearsals.rehearse(RehearseOptions.defaults());
 * RunbookResult runbook = rehearsals.runbook(r);     // a model; the CLI renders it as Markdown
 * }</pre>
 *
 * <p>Errors are the engine's: a refusal or failure throws a {@link MigrationException} with its
 * {@link MigrationException.Code} ({@code PRECONDITION_FAILED}, {@code LOCKED}, {@code CONNECTION_FAILED}, ...),
 * because every verb here is engine verbs chained and checked, so a caller maps one set of codes.
 */
public final class Rehearsals {

    private final EngineConfig config;
    private final MigrationSet set;
    private final Consumer<String> progress;
    private MigrationEngine engine;

    private Rehearsals(EngineConfig config) {
        this.config = config;
        this.set = config.migrations();
        this.progress = config.progress();
    }

    /**
     * On the database and migration set of {@code config}. Opens no connection; the engine is loaded from
     * {@code config} when a verb first needs the database, so {@link #runbook} works on a configuration
     * without a data source.
     */
    public static Rehearsals on(EngineConfig config) {
        return new Rehearsals(Objects.requireNonNull(config, "config"));
    }

    /**
     * Inserts multi-tenant demo data under the engine's migration lock: realistic AlphaPulse rows where the
     * AlphaPulse domain tables carry tenant_id (007 or later), typed generic rows ({@code Verifier.fill}) in
     * every other tenant table, only generic ones for another set. Refused with {@code PRECONDITION_FAILED}
     * without tenant tables, with a failed version, when the seed's tenants are already loaded, or, unless
     * {@link DemoDataOptions#intoExistingTenants()}, when the database already holds tenants ({@link #countTenants()});
     * nothing is written then.
     */
    public LoadDemoDataResult loadDemoData(DemoDataOptions options) {
        Objects.requireNonNull(options, "options");
        return DemoData.load(engine(), progress, options);
    }

    /**
     * The tenants and tenant rows this database holds already, read on every tenant's rows (through
     * {@code RowSecurity} where row-level security filters the user). Only reads; takes no lock.
     */
    public CountTenantsResult countTenants() {
        return engine().withConnection("count tenants", DemoData::countTenants);
    }

    /**
     * Rehearses every rollback on this database, which must be an empty scratch database: migrates it to head,
     * loads demo data, then for each version from head down to the second rolls back one version, verifies,
     * re-upgrades, verifies and compares data snapshots, then does the same from head to the first version and
     * back, and runs the isolation probe. Refused with {@code PRECONDITION_FAILED}, before anything runs, when
     * schema public has any table. Failures of a step (the steps down between rows and the way back up
     * included) are reported in a row, not thrown.
     */
    public RehearseResult rehearse(RehearseOptions options) {
        Objects.requireNonNull(options, "options");
        return new Rehearsal(engine(), progress).run(options);
    }

    /**
     * The rollback runbook of this migration set as a model, from the migrations' own metadata and, when
     * given, a rehearsal's measured times. Needs no database.
     *
     * @param lastRehearsal the rehearsal to quote, or null
     */
    public RunbookResult runbook(RehearseResult lastRehearsal) {
        return Runbook.write(set, lastRehearsal);
    }

    private synchronized MigrationEngine engine() {
        if (engine == null) {
            engine = config.load();
        }
        return engine;
    }
}
