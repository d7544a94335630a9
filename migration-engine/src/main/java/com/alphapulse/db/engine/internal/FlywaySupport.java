package com.alphapulse.db.engine.internal;

import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.MigrationException.Code;
import java.util.ArrayList;
import java.util.List;
import com.alphapulse.db.migrations.MigrationFlyway;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/** Flyway configured the way the engine uses it. */
final class FlywaySupport {

    private FlywaySupport() {}

    static FluentConfiguration configure(EngineSettings s) {
        FluentConfiguration config = MigrationFlyway.configure(s.migrations(), s.dataSource())
                .locations(s.locations().toArray(String[]::new));
        if (s.installedBy() != null && !s.installedBy().isBlank()) {
            config.installedBy(s.installedBy());
        }
        return config;
    }

    static Flyway flyway(EngineSettings s, Callback... callbacks) {
        FluentConfiguration config = configure(s);
        if (callbacks.length > 0) {
            config.callbacks(callbacks);
        }
        return config.load();
    }

    private static boolean inSet(EngineSettings s, MigrationInfo i) {
        if (!i.isVersioned() || i.getVersion() == null) {
            return false;
        }
        try {
            return s.migrations().get(com.alphapulse.db.migrations.Version.fromFlyway(i.getVersion().getVersion())).isPresent();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static MigrationInfo[] info(EngineSettings s) {
        try {
            return flyway(s).info().all();
        } catch (FlywayException e) {
            throw Errors.translate(s, "cannot read Flyway's migration info", e);
        }
    }

    /**
     * Refuses with {@code CHECKSUM_MISMATCH} when an applied migration's script was edited after it was
     * applied, and with {@code PRECONDITION_FAILED} when an applied migration's script is gone.
     */
    static void verifyApplied(EngineSettings s) {
        verifyApplied(s, false);
    }

    /** As {@link #verifyApplied(EngineSettings)}; with {@code acceptEdits} edited scripts pass (missing ones never do). */
    static void verifyApplied(EngineSettings s, boolean acceptEdits) {
        List<String> changed = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> strangers = new ArrayList<>();
        MigrationInfo[] all = info(s);
        for (MigrationInfo i : all) {
            // Flyway scans the location; the set is its index. A script the set does not list (a stale V, an R__)
            // would be applied by Flyway behind the engine's back, with no undo script and no expected catalog.
            if (i.getState().isResolved() && i.getState() != MigrationState.BASELINE && !inSet(s, i)) {
                strangers.add(i.getScript());
            }
        }
        if (!strangers.isEmpty()) {
            throw new MigrationException(Code.PRECONDITION_FAILED, "Flyway finds script(s) " + String.join(", ", strangers)
                    + " in " + String.join(", ", s.locations()) + " that migration set " + s.migrations().name()
                    + " does not list (every version needs V and U scripts of the set; repeatable migrations are not supported); "
                    + "nothing was changed");
        }
        for (MigrationInfo i : all) {
            // A failed row is repair's business (its checksum may be anything); only applied versions count.
            if (!i.isVersioned() || i.getState() == MigrationState.BASELINE || !i.getState().isApplied()
                    || i.getState() == MigrationState.FAILED) {
                continue;
            }
            if (i.getState() == MigrationState.MISSING_SUCCESS || i.getState() == MigrationState.MISSING_FAILED) {
                missing.add(i.getVersion().getVersion());
                continue;
            }
            Integer applied = i.getAppliedChecksum();
            Integer resolved = i.getResolvedChecksum();
            if (resolved != null && applied != null && !applied.equals(resolved)) {
                changed.add(i.getVersion().getVersion() + " (" + i.getScript() + ": recorded checksum " + applied
                        + ", script now " + resolved + ")");
            }
        }
        if (!changed.isEmpty() && !acceptEdits) {
            throw new MigrationException(Code.CHECKSUM_MISMATCH, "applied migration script(s) were edited after they were "
                    + "applied: " + String.join(", ", changed) + "; restore the original script(s). Only if the edit is "
                    + "deliberate and the database already matches it, record it with a repair that explicitly accepts "
                    + "edited scripts; nothing was changed");
        }
        if (!missing.isEmpty()) {
            throw new MigrationException(Code.PRECONDITION_FAILED, "applied version(s) " + String.join(", ", missing)
                    + " have no migration script in " + String.join(", ", s.locations()) + "; nothing was changed");
        }
    }
}
