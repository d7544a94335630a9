package com.alphapulse.db.cli.internal;

import com.alphapulse.db.cli.ExitCode;
import com.alphapulse.db.engine.EngineConfig;
import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.rehearsal.CountTenantsResult;
import com.alphapulse.db.rehearsal.DemoDataOptions;
import com.alphapulse.db.rehearsal.LoadDemoDataResult;
import com.alphapulse.db.rehearsal.Rehearsals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo-data", mixinStandardHelpOptions = true,
        description = "Load realistic multi-tenant trading data (tenants, users, accounts, positions, trades, "
                + "snapshots, risk metrics, signals, audit logs). Scale 1 is about 100,000 trades. Refused (exit 7, nothing "
                + "written) when the database already holds tenants, unless --force.",
        footer = {"", "Example:", "  java -jar cli.jar demo-data --tenants 5 --scale 2 --url jdbc:postgresql://staging:5432/alphapulse --user admin"})
final class DemoDataCommand extends EngineCommand {

    @Option(names = "--tenants", defaultValue = "3", description = "number of tenants (default: ${DEFAULT-VALUE})")
    int tenants;

    @Option(names = "--scale", defaultValue = "1", description = "data volume; 1 = about 100,000 trades (default: ${DEFAULT-VALUE})")
    double scale;

    @Option(names = "--seed", defaultValue = "42", description = "random seed, for repeatable data (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--upgrade", description = "migrate to head first (the embedded database starts empty)")
    boolean upgrade;

    @Option(names = "--force", description = "load even into a database that already holds tenants (refused with exit code 7 "
            + "otherwise, nothing written)")
    boolean force;

    @Override
    void validate() {
        super.validate();
        options();
    }

    private DemoDataOptions options() {
        try {
            return new DemoDataOptions(tenants, scale, seed).withIntoExistingTenants(force);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    @Override
    ExitCode run(Session session, Output out, Progress progress) {
        DemoDataOptions options = options();
        EngineConfig config = engine.config(session.dataSource(), progress);
        Rehearsals rehearsals = Rehearsals.on(config);
        // Before --upgrade too: a refused load changes nothing. The load checks again under the migration lock.
        CountTenantsResult held = force ? null : rehearsals.countTenants();
        if (held != null && !held.empty()) {
            throw new MigrationException(MigrationException.Code.PRECONDITION_FAILED, session.who() + " holds " + held.describe()
                    + "; demo-data would add fake tenants to it: use --force");
        }
        if (upgrade || session.isEmbedded()) {
            engine.engine(session.dataSource(), progress).upgrade("head");
        }
        progress.say("loading demo data: " + tenants + " tenants, scale " + scale);
        LoadDemoDataResult r = rehearsals.loadDemoData(options);
        out.emit(r, w -> Text.demoData(w, r));
        return ExitCode.OK;
    }
}
