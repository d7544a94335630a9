package com.alphapulse.db.engine.internal;

import com.alphapulse.db.engine.UndoScriptSource;
import com.alphapulse.db.migrations.MigrationSet;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The engine's configuration as the facade resolved it.
 *
 * @param dataSource where connections come from
 * @param target how messages name the database ({@code host:port/db as user}), never with a password
 * @param secret the password when the engine was given one, scrubbed from every message; may be null
 * @param lockTimeout lock_timeout of each version's transaction
 * @param statementTimeout statement_timeout of each version's transaction
 * @param lockRetries retries of a version after a lock timeout
 * @param retryBackoff the wait before the first retry, doubled for each further one, each wait jittered by ±50 %
 * @param migrations the migration set
 * @param locations Flyway's migration locations
 * @param undoScripts where undo scripts come from
 * @param reason why the caller runs the engine, journaled
 * @param installedBy the user Flyway records, null for the database user
 * @param progress receives a line per step, for callers that show progress
 * @param terminateStale whether a stale backend of an earlier run is terminated instead of waited for
 * @param staleAfter how long the lock's session must have been idle to count as stale
 */
public record EngineSettings(DataSource dataSource, String target, String secret, Duration lockTimeout,
        Duration statementTimeout, int lockRetries, Duration retryBackoff, MigrationSet migrations, List<String> locations,
        UndoScriptSource undoScripts, String reason, String installedBy, Consumer<String> progress, boolean terminateStale,
        Duration staleAfter) {

    public EngineSettings {
        locations = List.copyOf(locations);
        staleAfter = staleAfter == null ? Duration.ofSeconds(60) : staleAfter;
    }

    /** Settings that never terminate a stale backend (waiting for it instead), 60 s making it stale. */
    public EngineSettings(DataSource dataSource, String target, String secret, Duration lockTimeout,
            Duration statementTimeout, int lockRetries, Duration retryBackoff, MigrationSet migrations, List<String> locations,
            UndoScriptSource undoScripts, String reason, String installedBy, Consumer<String> progress) {
        this(dataSource, target, secret, lockTimeout, statementTimeout, lockRetries, retryBackoff, migrations, locations,
                undoScripts, reason, installedBy, progress, false, Duration.ofSeconds(60));
    }

    /** Like the record's own, with the password masked: settings end up in logs and debuggers. */
    @Override
    public String toString() {
        return "EngineSettings[dataSource=" + dataSource + ", target=" + target + ", secret=" + (secret == null ? null : "****")
                + ", lockTimeout=" + lockTimeout + ", statementTimeout=" + statementTimeout + ", lockRetries=" + lockRetries
                + ", retryBackoff=" + retryBackoff + ", migrations=" + migrations + ", locations=" + locations + ", undoScripts=" + undoScripts
                + ", reason=" + reason + ", installedBy=" + installedBy + ", terminateStale=" + terminateStale
                + ", staleAfter=" + staleAfter + "]";
    }

    /** The operating system user of this process, journaled with every step. */
    public String osUser() {
        return System.getProperty("user.name", "");
    }

    /**
     * The wait before retry number {@code retry} (1-based): the backoff doubled each time, jittered by ±50 %, at
     * most 30 s. The jitter keeps two sessions that deadlocked (or timed out on each other's locks) from
     * retrying in lockstep and meeting again.
     */
    Duration backoff(int retry) {
        return backoff(retry, java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    }

    /**
     * {@link #backoff(int)} for a given draw {@code u} in [0, 1): the doubled backoff {@code b} scaled to
     * {@code b * (0.5 + u)}, so always within [b/2, 3b/2), and never above 30 s.
     */
    Duration backoff(int retry, double u) {
        long ms = Math.min(retryBackoff.toMillis() << Math.min(retry - 1, 16), 30_000);
        double jitter = 0.5 + Math.max(0, Math.min(u, 1));
        return Duration.ofMillis(Math.min(Math.round(ms * jitter), 30_000));
    }
}
