package com.alphapulse.db.cli.internal;

import com.alphapulse.db.engine.EngineConfig;
import com.alphapulse.db.engine.MigrationEngine;
import java.time.Duration;
import javax.sql.DataSource;
import picocli.CommandLine.Option;

/** How patient a schema change is with other sessions' locks, and why it runs. */
final class EngineOptions {

    @Option(names = "--lock-timeout", defaultValue = "0.5", paramLabel = "SECONDS",
            description = "give up waiting for a table lock after this long, then retry (default: ${DEFAULT-VALUE})")
    double lockTimeoutSeconds;

    @Option(names = "--lock-retries", defaultValue = "10",
            description = "retries per version when a lock is not granted in time or a deadlock breaks it, with jittered doubling backoff (default: ${DEFAULT-VALUE})")
    int lockRetries;

    @Option(names = "--statement-timeout", defaultValue = "600", paramLabel = "SECONDS",
            description = "cancel any single statement running longer (default: ${DEFAULT-VALUE})")
    double statementTimeoutSeconds;

    @Option(names = "--reason", description = "why this runs; recorded in the journal with your OS and database user")
    String reason;

    void validate() {
        if (lockTimeoutSeconds <= 0 || statementTimeoutSeconds <= 0) {
            throw new UsageException("--lock-timeout and --statement-timeout must be positive");
        }
        if (lockRetries < 1) {
            throw new UsageException("--lock-retries must be at least 1");
        }
    }

    MigrationEngine engine(DataSource dataSource, Progress progress) {
        return config(dataSource, progress).load();
    }

    /** The engine's configuration from these options, for the rehearsal module's facade too. */
    EngineConfig config(DataSource dataSource, Progress progress) {
        validate();
        EngineConfig config = MigrationEngine.configure()
                .dataSource(dataSource)
                .lockTimeout(Duration.ofMillis((long) (lockTimeoutSeconds * 1000)))
                .statementTimeout(Duration.ofMillis((long) (statementTimeoutSeconds * 1000)))
                .lockRetries(lockRetries)
                .progress(progress::say);
        if (reason != null && !reason.isBlank()) {
            config.reason(reason);
        }
        return config;
    }
}
