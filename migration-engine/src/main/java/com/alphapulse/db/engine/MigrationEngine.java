package com.alphapulse.db.engine;

import com.alphapulse.db.engine.internal.AppRoleProvisioner;
import com.alphapulse.db.engine.internal.ArchiveAdmin;
import com.alphapulse.db.engine.internal.Downgrader;
import com.alphapulse.db.engine.internal.EngineConnections;
import com.alphapulse.db.engine.internal.EngineSettings;
import com.alphapulse.db.engine.internal.Provisioner;
import com.alphapulse.db.engine.internal.Repairer;
import com.alphapulse.db.engine.internal.Stamper;
import com.alphapulse.db.engine.internal.StatusReader;
import com.alphapulse.db.engine.internal.UndoDescription;
import com.alphapulse.db.engine.internal.Upgrader;
import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.migrations.Version;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.ds.common.BaseDataSource;

/**
 * The migration engine: upgrades through Flyway, downgrades through the schema's undo scripts without
 * losing data (see the lossless archive in the module's README), and tells where a database stands. Like {@code Flyway}, one object per database with
 * a verb per command; every verb opens its own connections and returns a result record carrying measured
 * durations, or throws a {@link MigrationException} with a {@link MigrationException.Code}.
 *
 * <pre>{@code
 * MigrationEngine engine = MigrationEngine.configure().dataSource(ds).reason("INC-42").load();
 * PlanResult plan = engine.plan("002");                 // what a downgrade would do, nothing changed
 * engine.downgrade("002", DowngradeOptions.defaults()); // dropped data archived, restored on upgrade
 * engine.upgrade("head");
 * }</pre>
 *
 * <p>Mutating verbs (upgrade, downgrade, stamp, repair, and {@link #withLock}) take a per-database advisory lock for
 * the whole run; a second run is refused at once with {@code LOCKED}. The engine keeps its journal and
 * archive in schema {@code alphapulse_migration}, created on first use.
 */
public final class MigrationEngine {

    private static final String APPLICATION = "alphapulse-migration-engine";

    private final EngineSettings settings;

    MigrationEngine(EngineConfig config) {
        this.settings = settings(config);
    }

    /** A new configuration. */
    public static EngineConfig configure() {
        return new EngineConfig();
    }

    /**
     * The version Flyway's history records, applied and pending versions, the engine's rollbacks, archived
     * data waiting for a restore, and whether the live catalog really is at the recorded version.
     */
    public StatusResult status() {
        return StatusReader.status(settings);
    }

    /**
     * The version Flyway's history records (the highest successfully applied one), {@link Version#BASE} when none
     * is or there is no history table: {@link StatusResult#currentVersion()} without the rest of the status. Reads
     * only the history table, with one query; builds no {@code Flyway} and reads no catalog.
     */
    public Version recordedVersion() {
        return StatusReader.recorded(settings);
    }

    /**
     * The version an upgrade ({@code head}, {@code +N}, a version) or a downgrade ({@code -N}, a version,
     * {@code base}) to {@code target} would end at, from the version the history records; reads only the history.
     * Refused like {@link #upgrade}/{@link #downgrade} would refuse the target ({@code INVALID_TARGET},
     * {@code UNKNOWN_VERSION}, {@code NO_HISTORY} for a downgrade).
     */
    public Version resolveTarget(String target, Direction direction) {
        if (direction != Direction.UP && direction != Direction.DOWN) {
            throw new IllegalArgumentException("a target is resolved for UP or DOWN, not " + direction);
        }
        return Downgrader.target(settings, target, direction == Direction.DOWN);
    }

    /** The journal: every upgrade, downgrade, stamp and repair, oldest first. */
    public HistoryResult history() {
        return StatusReader.history(settings);
    }

    /**
     * Applies versions through Flyway up to {@code target}: {@code head}, {@code +N} or a version ("7",
     * "007"). Tenant data archived by earlier downgrades is restored exactly, in each version's transaction.
     */
    public UpgradeResult upgrade(String target) {
        return upgrade(target, UpgradeOptions.defaults());
    }

    /**
     * {@link #upgrade(String)}; refused with {@code CATALOG_MISMATCH}, before anything runs, when the live catalog
     * does not match the version the history records (errors only; warnings do not block), unless
     * {@link UpgradeOptions#force()}.
     */
    public UpgradeResult upgrade(String target, UpgradeOptions options) {
        return Upgrader.run(settings, target, Objects.requireNonNull(options, "options"));
    }

    /**
     * What a downgrade to {@code target} ({@code -N}, a version or {@code base}) would do, worked out on the
     * live data without changing anything: steps, statements, locks, data-loss risk with counts, SECURITY
     * warnings and blocking preconditions.
     */
    public PlanResult plan(String target) {
        return Downgrader.plan(settings, target);
    }

    /**
     * The SQL {@link #upgrade(String)} would run to {@code target}, as a script to review, without running it:
     * no migration lock is taken and nothing is written. Refused like the upgrade ({@code INVALID_TARGET},
     * {@code CHECKSUM_MISMATCH}, {@code NO_HISTORY}, a missing privilege); a preflight refusal is a comment in it.
     */
    public UpgradeSqlResult upgradeSql(String target) {
        return com.alphapulse.db.engine.internal.UpgradeScript.upgradeSql(settings, target);
    }

    /**
     * {@link #plan(String)} with the SQL a downgrade to {@code target} would run, as a script to review; changes
     * nothing, takes no lock and writes no journal row. Literal values that only the real run knows (its run id and
     * times) are shown as this moment's.
     */
    public PlanSqlResult planSql(String target) {
        return Downgrader.planSql(settings, target);
    }

    /**
     * Undoes versions down to {@code target} ({@code -N}, a version or {@code base}), newest first, each in one
     * transaction with its archive, history change and journal entry. Refused before anything runs when a
     * precondition fails ({@code PRECONDITION_FAILED}: e.g. a view or another table's foreign key depends on
     * what an undo drops), data that is not archived would be lost and the caller did not accept it
     * ({@code DATA_LOSS_REFUSED}), or the live catalog does not match the recorded version and the caller did
     * not force it ({@code CATALOG_MISMATCH}).
     */
    public DowngradeResult downgrade(String target, DowngradeOptions options) {
        return Downgrader.run(settings, target, Objects.requireNonNull(options, "options"));
    }

    /**
     * For a caller that must end the process while this engine's upgrade or downgrade is still in a step (a CLI
     * that waited a bounded time after a signal): journals that step {@code INTERRUPTED} with {@code why}, from a
     * connection of its own, so history shows the attempt. The step itself is left to the server, which rolls back a
     * transaction whose client is gone (a statement that ignores cancellation runs to its end first); should the step
     * get unstuck after all, it neither commits nor journals itself a second time, and the run starts nothing more. A
     * version outside a transaction that keeps what it did is journaled FAILED, as its own failure would be (repair's
     * evidence). Safe to call from any thread; nothing when no step runs; {@link AbandonResult#journaled} false when
     * the server took no row (the step is then left to journal itself).
     */
    public AbandonResult abandon(String why) {
        return com.alphapulse.db.engine.internal.InFlight.abandon(settings, Objects.requireNonNull(why, "why"));
    }

    /**
     * Records {@code version} ({@code base} for none) as the current one without running scripts; refused
     * with {@code CATALOG_MISMATCH} when the live catalog is not at that version, unless {@code force}.
     */
    public StampResult stamp(String version, boolean force) {
        return Stamper.run(settings, version, force);
    }

    /**
     * Cleans up after a failed non-transactional step (indexes an interrupted {@code CREATE INDEX
     * CONCURRENTLY} left, INVALID ones included) and removes failed history rows (Flyway's repair). Refused
     * with {@code CHECKSUM_MISMATCH} when an applied script was edited, and with {@code PRECONDITION_FAILED}
     * when one is missing; nothing is changed then. Same as {@code repair(false)}.
     */
    public RepairResult repair() {
        return repair(false);
    }

    /**
     * {@link #repair()}; with {@code acceptEditedScripts} an applied script edited after it was applied is
     * accepted instead of refused, and its recorded checksum is realigned with the edited script. Only for an
     * edit that is deliberate and already matched by the database (a comment, a reformat): nothing of the
     * edit is run.
     */
    public RepairResult repair(boolean acceptEditedScripts) {
        return Repairer.run(settings, acceptEditedScripts);
    }

    /**
     * Gives the migration role {@code migrator} (owner of the database, neither superuser nor BYPASSRLS) what every
     * command needs; run once by a superuser. Creates the cluster-wide roles {@code rls_bypass_role} (NOLOGIN
     * BYPASSRLS) and the probe's NOLOGIN role, grants both to {@code migrator} (so it can SET ROLE to them for the
     * statements that need every tenant's rows or the probe), CREATE on the database and schema public, and hands
     * over the engine's schema. Idempotent (a second run changes nothing) and journaled. Refused with
     * {@code INSUFFICIENT_PRIVILEGE} for a user who is not superuser, {@code PRECONDITION_FAILED} for a role that
     * does not exist or an existing role of those names with other attributes; nothing is changed then.
     */
    public ProvisionResult provision(String migrator) {
        return provision(migrator, false);
    }

    /**
     * {@link #provision(String)}; with {@code sharedBypass} also when {@code rls_bypass_role} (cluster-wide) holds
     * privileges in other databases the migration role does not own, where membership then lets it bypass row-level
     * security too. Without it that case is refused with {@code PRECONDITION_FAILED}, naming them.
     */
    public ProvisionResult provision(String migrator, boolean sharedBypass) {
        return Provisioner.run(settings, migrator, sharedBypass);
    }

    /**
     * Gives the application login role {@code appRole} (the role services connect as, which row-level security must
     * filter) the minimum a service needs, and the same on the tables and sequences later versions create (default
     * privileges of the tables' owner): CONNECT on the database, USAGE on schema public, SELECT/INSERT/UPDATE/DELETE
     * on the tables of the migration set's head (no DELETE on {@code tenants}; never TRUNCATE, REFERENCES or TRIGGER;
     * nothing on Flyway's history or the engine's schema), USAGE/SELECT on their sequences, EXECUTE on the functions
     * their policies call. Run by a superuser or by the migration role (a member of the tables' owner). Idempotent and
     * journaled; sets no password. Refused with {@code PRECONDITION_FAILED} when the role does not exist, is superuser
     * or BYPASSRLS, owns an object there or is a member of the tables' owner, of {@code rls_bypass_role} or of the
     * user running it; {@code NO_HISTORY} before the first upgrade; {@code INSUFFICIENT_PRIVILEGE} when the user may
     * not grant on what another role owns. Nothing is changed then.
     */
    public ProvisionResult provisionApplication(String appRole) {
        return AppRoleProvisioner.run(settings, appRole);
    }

    /** What the archive keeps, per version, table, column and tenant. Reads only. */
    public ListArchiveResult listArchive() {
        return ArchiveAdmin.list(settings);
    }

    /**
     * Deletes everything archived for {@code version} for good (the data a later upgrade would have restored) and
     * journals it. Refused with {@code UNKNOWN_VERSION}, or {@code INVALID_TARGET} when nothing is archived for it.
     */
    public PurgeArchiveResult purgeArchive(String version) {
        return ArchiveAdmin.purge(settings, version);
    }

    /**
     * The undo of {@code version} of {@code set} as its statements and the expected catalogs describe it:
     * risk, whether the loss is archived, actions, locks and the SECURITY warnings of the version below.
     * Needs no database; {@link #plan} says the same with counts on live data. Refused with
     * {@code UNKNOWN_VERSION} for a version the set does not have.
     */
    public static DescribeUndoResult describeUndo(MigrationSet set, Version version) {
        return UndoDescription.describe(Objects.requireNonNull(set, "set"), Objects.requireNonNull(version, "version"));
    }

    /** The migration set this engine migrates and rolls back. */
    public MigrationSet migrations() {
        return settings.migrations();
    }

    /**
     * The data source the engine connects through: the configured one, or the one it built from the URL. For
     * modules built on the engine that also verify (e.g. {@code Verifier.on(engine.dataSource(), set)}).
     */
    public DataSource dataSource() {
        return settings.dataSource();
    }

    /** How messages name the database: {@code host:port/database as user}, never a password. */
    public String database() {
        return settings.target();
    }

    /**
     * Runs {@code work} on one of the engine's connections, for a module built on the engine that needs
     * plain SQL (a check before it starts, say). A failure becomes a {@link MigrationException} the way the
     * engine's own do: "cannot {@code verb}: " and PostgreSQL's message, the code from its SQLSTATE, the
     * password scrubbed.
     */
    public <T> T withConnection(String verb, ConnectionWork<T> work) {
        return EngineConnections.withConnection(settings, Objects.requireNonNull(verb, "verb"), Objects.requireNonNull(work, "work"));
    }

    /**
     * {@link #withConnection} while holding this database's migration lock, as the mutating verbs do, so that
     * e.g. loading demo data never interleaves with a downgrade; refused with {@code LOCKED} when another run
     * holds it. The lock is the session's, not the thread's: a mutating verb of any engine called inside
     * {@code work} is refused with {@code LOCKED}; reading verbs (status, history, plan) are fine.
     */
    public <T> T withLock(String verb, ConnectionWork<T> work) {
        return EngineConnections.withLock(settings, Objects.requireNonNull(verb, "verb"), Objects.requireNonNull(work, "work"));
    }

    private static EngineSettings settings(EngineConfig config) {
        DataSource ds = config.dataSourceOrNull();
        String secret = null;
        if (ds == null) {
            PGSimpleDataSource pg = new PGSimpleDataSource();
            try {
                pg.setURL(config.urlOrNull());
            } catch (IllegalArgumentException e) {
                throw new MigrationException(MigrationException.Code.CONNECTION_FAILED,
                        "not a PostgreSQL JDBC URL (expected jdbc:postgresql://host:port/database)");
            }
            if (config.user() != null) {
                pg.setUser(config.user());
            }
            if (config.password() != null) {
                pg.setPassword(config.password());
            }
            pg.setApplicationName(APPLICATION);
            pg.setConnectTimeout(10);
            pg.setLoginTimeout(10);
            ds = pg;
            secret = config.password();
        }
        return new EngineSettings(ds, describe(ds), secret, config.lockTimeout(), config.statementTimeout(),
                config.lockRetries(), config.retryBackoff(), config.migrations(), config.migrationLocations(), config.undoScriptSource(),
                config.reason(), config.installedBy(), config.progress(), config.terminateStale(),
                config.staleAfter());
    }

    /** host:port/database as user, for messages; never the URL's parameters (they may carry a password). */
    private static String describe(DataSource ds) {
        Object source = ds;
        try {
            // a wrapper (the CLI's, which tracks connections) names the driver's data source it wraps
            if (!(ds instanceof BaseDataSource) && ds.isWrapperFor(BaseDataSource.class)) {
                source = ds.unwrap(BaseDataSource.class);
            }
        } catch (java.sql.SQLException | RuntimeException notAWrapper) {
            // described generically below
        }
        if (source instanceof BaseDataSource b) {
            String hosts = b.getServerNames() == null ? "localhost" : String.join(",", b.getServerNames());
            int[] ports = b.getPortNumbers();
            String port = ports == null || ports.length == 0 || ports[0] == 0 ? "5432"
                    : Arrays.stream(ports).mapToObj(String::valueOf).collect(Collectors.joining(","));
            return hosts + ":" + port + "/" + b.getDatabaseName() + (b.getUser() == null ? "" : " as " + b.getUser());
        }
        return "the configured data source";
    }
}
