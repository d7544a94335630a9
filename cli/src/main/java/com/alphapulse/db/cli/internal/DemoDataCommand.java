package com.alphapulse.db.cli.internal;

import com.alphapulse.db.cli.ExitCode;
import com.alphapulse.db.engine.EngineConfig;
import com.alphapulse.db.rehearsal.DemoDataOptions;
import com.alphapulse.db.rehearsal.LoadDemoDataResult;
import com.alphapulse.db.rehearsal.Rehearsals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo-data", mixinStandardHelpOptions = true,
        description = "Load realistic multi-tenant trading data (tenants, users, accounts, positions, trades, "
                + "snapshots, risk metrics, signals, audit logs). Scale 1 is about 100,000 trades.",
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

    @Override
    void validate() {
        super.validate();
        options();
    }

    private DemoDataOptions options() {
        try {
            return new DemoDataOptions(tenants, scale, seed);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    @Override
    ExitCode run(Session session, Output out, Progress progress) {
        DemoDataOptions options = options();
        EngineConfig config = engine.config(session.dataSource(), progress);
        if (upgrade || session.isEmbedded()) {
            config.load().upgrade("head");
        }
        progress.say("loading demo data: " + tenants + " tenants, scale " + scale);
        LoadDemoDataResult r = Rehearsals.on(config).loadDemoData(options);
        out.emit(r, w -> Text.demoData(w, r));
        return ExitCode.OK;
    }
}
