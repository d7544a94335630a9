package com.alphapulse.db.engine;

import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.schema.AlphaPulseSchema;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * How a {@link MigrationEngine} connects and behaves; obtained from {@link MigrationEngine#configure()},
 * finished with {@link #load()}.
 *
 * <pre>{@code
 * MigrationEngine engine = MigrationEngine.configure()
 *         .url("jdbc:postgresql://db:5432/alphapulse", "migrator", password)
 *         .lockTimeout(Duration.ofMillis(500))
 *         .reason("INC-42: RLS overhead")
 *         .load();
 * }</pre>
 *
 * <p>A value the engine cannot use (null, a non-positive timeout, a negative retry count or backoff, no
 * migration location) is refused at once with {@link MigrationException.Code#INVALID_CONFIGURATION}.
 */
public final class EngineConfig {

    private DataSource dataSource;
    private String url;
    private String user;
    private String password;
    private Duration lockTimeout = Duration.ofMillis(500);
    private Duration statementTimeout = Duration.ofMinutes(10);
    private int lockRetries = 10;
    private Duration retryBackoff = Duration.ofMillis(500);
    private MigrationSet migrations = AlphaPulseSchema.migrations();
    private List<String> migrationLocations;
    private UndoScriptSource undoScriptSource;
    private String reason;
    private String installedBy;
    private Consumer<String> progress = message -> { };
    private boolean terminateStale;
    private Duration staleAfter = Duration.ofSeconds(60);

    EngineConfig() {}

    /** Connect through {@code dataSource} (it must hand out at least three connections at once). */
    public EngineConfig dataSource(DataSource dataSource) {
        this.dataSource = required(dataSource, "dataSource");
        this.url = null;
        return this;
    }

    /** Connect to {@code url} (without credentials in it) as {@code user}. */
    public EngineConfig url(String url, String user, String password) {
        this.url = required(url, "url");
        this.user = user;
        this.password = password;
        this.dataSource = null;
        return this;
    }

    /** How long each statement of an undo step may wait for a lock before the step is retried (default 3 s). */
    public EngineConfig lockTimeout(Duration value) {
        this.lockTimeout = positive(value, "lockTimeout");
        return this;
    }

    /** How long one statement of an undo step may run (default 10 min, generous for backfills). */
    public EngineConfig statementTimeout(Duration value) {
        this.statementTimeout = positive(value, "statementTimeout");
        return this;
    }

    /** How often a version is retried after a lock timeout (default 5; 0 gives up at once). */
    public EngineConfig lockRetries(int value) {
        if (value < 0) {
            throw invalid("lockRetries must not be negative, got " + value);
        }
        this.lockRetries = value;
        return this;
    }

    /** The wait before the first retry, doubled for each further one (default 500 ms). */
    public EngineConfig retryBackoff(Duration value) {
        required(value, "retryBackoff");
        if (value.isNegative()) {
            throw invalid("retryBackoff must not be negative, got " + value);
        }
        this.retryBackoff = value;
        return this;
    }

    /**
     * The migration set the engine migrates, rolls back and verifies against (default: AlphaPulse's,
     * {@link AlphaPulseSchema#migrations()}). Its forward scripts, undo scripts and expected catalogs are
     * used unless {@link #migrationLocations} or {@link #undoScriptSource} override where scripts are read.
     */
    public EngineConfig migrations(MigrationSet set) {
        this.migrations = required(set, "migrations");
        return this;
    }

    /** The configured migration set. */
    public MigrationSet migrations() {
        return migrations;
    }

    /**
     * Flyway locations to read the forward scripts from instead of the set's own (e.g. a reviewed copy);
     * the versions and expected catalogs are still the set's.
     */
    public EngineConfig migrationLocations(String... locations) {
        if (locations == null || locations.length == 0) {
            throw invalid("at least one migration location is needed");
        }
        for (String location : locations) {
            if (location == null || location.isBlank()) {
                throw invalid("a migration location must not be blank");
            }
        }
        this.migrationLocations = List.of(locations);
        return this;
    }

    /** Where undo scripts come from (default: the set's own, {@link UndoScriptSource#of(MigrationSet)}). */
    public EngineConfig undoScriptSource(UndoScriptSource source) {
        this.undoScriptSource = required(source, "undoScriptSource");
        return this;
    }

    /** Why the engine is run; journaled with every step. */
    public EngineConfig reason(String value) {
        this.reason = value;
        return this;
    }

    /**
     * Receives one line per step of a long operation (which version, which retry, which tenant), for a caller
     * that shows progress; the engine itself never prints. Default: ignored.
     */
    public EngineConfig progress(Consumer<String> listener) {
        this.progress = required(listener, "progress");
        return this;
    }

    /** The configured progress listener. */
    public Consumer<String> progress() {
        return progress;
    }

    /**
     * Whether a run that finds the migration lock held by a stale backend of an earlier run ends that backend with
     * {@code pg_terminate_backend} instead of waiting for it (default: false). Stale means one of the engine's own: the
     * lock's session idle (or idle in transaction) for at least {@link #staleAfter} with the engine's application_name
     * (a live run's lock session runs a heartbeat query several times within that), or, once this run holds the lock,
     * a session still running an engine step (application_name "alphapulse-migration-engine undo …"), which no live
     * run can own. Anything else holding the lock is never terminated. Needs the same role or pg_signal_backend.
     */
    public EngineConfig terminateStale(boolean value) {
        this.terminateStale = value;
        return this;
    }

    /**
     * The shortest {@link #staleAfter}: twice the longest heartbeat period of any run's lock session (5 s, whatever that
     * run's own setting), so that no setting here can make a live run's session, idle between two beats, look stale.
     * It cannot tell a dead client from one paused for longer than this (suspended, a VM stopped); such a run, when it
     * resumes, finds at its next step that its lock is gone and stops with {@code LOCKED} before it commits anything more.
     */
    public static final Duration MIN_STALE_AFTER = Duration.ofSeconds(10);

    /** How long the lock's session must have been idle before it counts as stale (default 60 s, at least {@link #MIN_STALE_AFTER}). */
    public EngineConfig staleAfter(Duration value) {
        Duration d = positive(value, "staleAfter");
        if (d.compareTo(MIN_STALE_AFTER) < 0) {
            throw invalid("staleAfter must be at least " + MIN_STALE_AFTER.toSeconds() + " s (twice the lock heartbeat's period, "
                    + "so a live run is never taken for a stale one), got " + d.toMillis() + " ms");
        }
        this.staleAfter = d;
        return this;
    }

    /** Whether stale backends of an earlier run are terminated. */
    public boolean terminateStale() {
        return terminateStale;
    }

    /** The configured idle time after which the lock's session counts as stale. */
    public Duration staleAfter() {
        return staleAfter;
    }

    /** The user Flyway records as having installed a version (default: the database user). */
    public EngineConfig installedBy(String value) {
        this.installedBy = value;
        return this;
    }

    /** The configured lock timeout. */
    public Duration lockTimeout() {
        return lockTimeout;
    }

    /** The configured statement timeout. */
    public Duration statementTimeout() {
        return statementTimeout;
    }

    /** The configured number of lock retries. */
    public int lockRetries() {
        return lockRetries;
    }

    /** The configured initial retry backoff. */
    public Duration retryBackoff() {
        return retryBackoff;
    }

    /** The configured migration locations: the overriding ones, else the set's. */
    public List<String> migrationLocations() {
        return migrationLocations != null ? migrationLocations : List.of(migrations.flywayLocation());
    }

    /** The configured reason, may be null. */
    public String reason() {
        return reason;
    }

    /** The engine for this configuration. Opens no connection yet. */
    public MigrationEngine load() {
        if (dataSource == null && url == null) {
            throw invalid("configure a dataSource or a url");
        }
        return new MigrationEngine(this);
    }

    DataSource dataSourceOrNull() {
        return dataSource;
    }

    String urlOrNull() {
        return url;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    UndoScriptSource undoScriptSource() {
        return undoScriptSource != null ? undoScriptSource : UndoScriptSource.of(migrations);
    }

    String installedBy() {
        return installedBy;
    }

    private static Duration positive(Duration d, String name) {
        required(d, name);
        if (d.isNegative() || d.isZero()) {
            throw invalid(name + " must be positive, got " + d);
        }
        // PostgreSQL keeps lock_timeout and statement_timeout as int milliseconds.
        if (d.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
            throw invalid(name + " must be at most " + Integer.MAX_VALUE + " ms, got " + d);
        }
        return d;
    }

    private static <T> T required(T value, String name) {
        if (value == null) {
            throw invalid(name + " must not be null");
        }
        return value;
    }

    private static MigrationException invalid(String message) {
        return new MigrationException(MigrationException.Code.INVALID_CONFIGURATION, message + "; nothing was run");
    }
}
