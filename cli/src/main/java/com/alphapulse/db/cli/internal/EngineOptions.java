package com.alphapulse.db.cli.internal;

import com.alphapulse.db.engine.EngineConfig;
import com.alphapulse.db.engine.MigrationEngine;
import java.time.Duration;
import javax.sql.DataSource;
import picocli.CommandLine.Option;

/** How patient a schema change is with other sessions' locks, and why it runs. */
final class EngineOptions {

    static final double LOCK_TIMEOUT = 0.5;
    static final int LOCK_RETRIES = 10;
    static final double STATEMENT_TIMEOUT = 600;

    // null until resolved: the flag, else ALPHAPULSE_LOCK_TIMEOUT, else the config file, else the default
    @Option(names = "--lock-timeout", paramLabel = "SECONDS",
            description = "give up waiting for a table lock after this long, then retry (default: 0.5; env "
                    + "ALPHAPULSE_LOCK_TIMEOUT, config 'lock-timeout')")
    Double lockTimeoutSeconds;

    @Option(names = "--lock-retries", paramLabel = "N",
            description = "retries per version after its first attempt when a lock is not granted in time or a deadlock "
                    + "breaks it, with jittered doubling backoff: N+1 attempts in all, 0 for one attempt (default: 10; env "
                    + "ALPHAPULSE_LOCK_RETRIES, config 'lock-retries')")
    Integer lockRetries;

    @Option(names = "--statement-timeout", paramLabel = "SECONDS",
            description = "cancel any single statement running longer (default: 600; env ALPHAPULSE_STATEMENT_TIMEOUT, "
                    + "config 'statement-timeout')")
    Double statementTimeoutSeconds;

    @Option(names = "--terminate-stale",
            description = "end a previous run's backend that still holds the migration lock idle without the engine's heartbeat "
                    + "for --stale-after, or still runs an engine step once this run holds the lock (pg_terminate_backend; "
                    + "needs the same role or pg_signal_backend); without it such a backend is waited for, up to 10 s")
    boolean terminateStale;

    @Option(names = "--stale-after", paramLabel = "SECONDS", defaultValue = "60",
            description = "how long the migration lock's session must be idle to count as stale, at least 10 (a live run's "
                    + "heartbeat touches it every 5 s; default: ${DEFAULT-VALUE})")
    double staleAfterSeconds;

    @Option(names = "--reason", description = "why this runs; recorded in the journal with your OS and database user")
    String reason;

    void resolve(Environment env, ConfigFile file) {
        lockTimeoutSeconds = Setting.seconds(lockTimeoutSeconds, "ALPHAPULSE_LOCK_TIMEOUT", "lock-timeout", LOCK_TIMEOUT, env, file);
        lockRetries = Setting.count(lockRetries, "ALPHAPULSE_LOCK_RETRIES", "lock-retries", LOCK_RETRIES, env, file);
        statementTimeoutSeconds = Setting.seconds(statementTimeoutSeconds, "ALPHAPULSE_STATEMENT_TIMEOUT", "statement-timeout",
                STATEMENT_TIMEOUT, env, file);
    }

    void validate() {
        if (lockTimeoutSeconds == null || lockRetries == null || statementTimeoutSeconds == null) {
            throw new IllegalStateException("engine options used before they were resolved");
        }
        // NaN compares false with everything: a plain "<= 0" test would let it through (and Infinity, and 1e-9, which
        // rounds to a zero-millisecond timeout, i.e. none at all)
        if (!validSeconds(lockTimeoutSeconds)) {
            throw new UsageException("--lock-timeout must be a finite number of seconds, at least 0.001, got " + lockTimeoutSeconds);
        }
        if (!validSeconds(statementTimeoutSeconds)) {
            throw new UsageException("--statement-timeout must be a finite number of seconds, at least 0.001, got "
                    + statementTimeoutSeconds);
        }
        if (!(staleAfterSeconds >= EngineConfig.MIN_STALE_AFTER.toSeconds()) || !Double.isFinite(staleAfterSeconds)) {
            throw new UsageException("--stale-after must be at least " + EngineConfig.MIN_STALE_AFTER.toSeconds()
                    + " seconds (twice the heartbeat's period), got " + staleAfterSeconds);
        }
        if (lockRetries < 0) {
            throw new UsageException("--lock-retries must be 0 (one attempt) or more, got " + lockRetries);
        }
    }

    /** A timeout the engine can use: finite and at least one millisecond. */
    static boolean validSeconds(double seconds) {
        return Double.isFinite(seconds) && seconds >= 0.001;
    }

    MigrationEngine engine(DataSource dataSource, Progress progress) {
        MigrationEngine engine = config(dataSource, progress).load();
        // Should a signal's bounded wait run out with a step still stuck, its journal row is still written.
        Interruption.beforeForcedExit(engine::abandon);
        return engine;
    }

    /** The engine's configuration from these options, for the rehearsal module's facade too. */
    EngineConfig config(DataSource dataSource, Progress progress) {
        validate();
        EngineConfig config = MigrationEngine.configure()
                .dataSource(dataSource)
                .lockTimeout(Duration.ofMillis((long) (lockTimeoutSeconds * 1000)))
                .statementTimeout(Duration.ofMillis((long) (statementTimeoutSeconds * 1000)))
                .lockRetries(lockRetries)
                .progress(progress::say)
                .terminateStale(terminateStale)
                .staleAfter(Duration.ofMillis((long) (staleAfterSeconds * 1000)));
        if (reason != null && !reason.isBlank()) {
            config.reason(reason);
        }
        return config;
    }
}
