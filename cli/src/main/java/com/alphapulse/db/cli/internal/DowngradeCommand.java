package com.alphapulse.db.cli.internal;

import com.alphapulse.db.cli.ExitCode;
import com.alphapulse.db.engine.DowngradeOptions;
import com.alphapulse.db.engine.DowngradeResult;
import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.engine.PlanResult;
import com.alphapulse.db.engine.Risk;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "downgrade", mixinStandardHelpOptions = true,
        description = "Undo migrations down to TARGET, one transaction per version (undo script, history row and "
                + "journal entry together). Tenant data the undo drops is archived first and restored by the next "
                + "upgrade. On a terminal the plan is shown and confirmation asked; --yes for scripts. Refused (exit 7) "
                + "when the live catalog does not match the recorded version, unless --force.",
        footer = {"", "Examples:", "  java -jar cli.jar downgrade -1 --url jdbc:postgresql://db:5432/alphapulse --user admin --reason 'INC-123' --yes",
                "  java -jar cli.jar downgrade 002 --url jdbc:postgresql://db:5432/alphapulse --user admin"})
final class DowngradeCommand extends EngineCommand {

    @Parameters(paramLabel = "TARGET", description = "-N (versions to undo) or the version to end at, e.g. 007")
    String target;

    @Option(names = "--yes", description = "do not ask for confirmation")
    boolean yes;

    @Option(names = "--no-archive", description = "do not archive the data an undo drops (rows, column values, GRANTs); needs --accept-data-loss")
    boolean noArchive;

    @Option(names = "--accept-data-loss", description = "allow a MEDIUM or HIGH risk downgrade to lose data for good")
    boolean acceptDataLoss;

    @Option(names = "--force", description = "downgrade even when the live catalog does not match the recorded version "
            + "(refused with exit code 7 otherwise)")
    boolean force;

    @Override
    ExitCode run(Session session, Output out, Progress progress) {
        MigrationEngine migrations = engine.engine(session.dataSource(), progress);
        DowngradeOptions options = DowngradeOptions.defaults().withArchive(!noArchive).withAcceptDataLoss(acceptDataLoss)
                .withForce(force);
        PlanResult plan = null;
        if (!yes) {
            plan = migrations.plan(target);
            PrintWriter err = spec.commandLine().getErr();
            Text.plan(err, plan, false);
            if (plan.blocked()) {
                progress.always("refused: the plan is blocked; nothing changed");
                return out.ended(ExitCode.REFUSED_STATE, "PRECONDITION_FAILED", "refused: the plan is blocked; nothing changed");
            }
            boolean refusedAnyway = plan.unrecoverableRisk(!noArchive) != Risk.NONE && !acceptDataLoss;
            if (!refusedAnyway) {
                if (plan.risk() != Risk.NONE) {
                    err.println(noArchive ? "Archiving is OFF: the data above is lost for good."
                            : "The data above is archived in the same transaction and restored exactly by the next upgrade.");
                }
                if (!confirm(prompt(session.who(), plan, !noArchive), plainConfirmation(plan), err)) {
                    progress.always("cancelled: nothing changed");
                    return out.ended(ExitCode.CANCELLED, ExitCode.CANCELLED.name(), "cancelled: nothing changed");
                }
            }
        }
        com.alphapulse.db.migrations.Version to = plan != null ? plan.toVersion()
                : migrations.resolveTarget(target, com.alphapulse.db.engine.Direction.DOWN);
        progress.say("downgrading " + session.describe() + " to " + to.label()
                + (to.label().equals(target.trim()) ? "" : " (" + target.trim() + ")"));
        DowngradeResult r = migrations.downgrade(target, options);
        out.emit(r, w -> Text.downgrade(w, r));
        return ExitCode.OK;
    }

    @Override
    void validate() {
        super.validate();
        if (!yes && !Cli.environment(spec).interactive()) {
            throw new UsageException("downgrade changes the schema: pass --yes when standard input is not a terminal");
        }
    }

    /** Whether a plain y/N suffices: nothing is dropped and nothing warned about. */
    private static boolean plainConfirmation(PlanResult plan) {
        return plan.risk() == Risk.NONE && plan.warnings().isEmpty();
    }

    /**
     * The question, naming what a person must recognise before typing yes: the database (user@host:port/db),
     * the versions, the risk and what the risk stands for.
     */
    static String prompt(String who, PlanResult plan, boolean archive) {
        long columns = plan.steps().stream().flatMap(st -> st.statements().stream()).filter(st -> st.risk() == Risk.MEDIUM).count();
        long tables = plan.steps().stream().flatMap(st -> st.statements().stream()).filter(st -> st.risk() == Risk.HIGH).count();
        List<String> drops = new ArrayList<>();
        if (columns > 0) {
            drops.add(columns + (columns == 1 ? " column" : " columns"));
        }
        if (tables > 0) {
            drops.add(tables + (tables == 1 ? " table" : " tables"));
        }
        String what = drops.isEmpty() ? "" : " (drops " + String.join(" and ", drops) + " holding data, "
                + (archive ? "archived" : "NOT archived") + ")";
        String head = "downgrade " + who + " from " + plan.fromVersion().label() + " to " + plan.toVersion().label()
                + ", risk " + plan.risk() + what + (plan.warnings().isEmpty() ? "" : " with warnings");
        return plainConfirmation(plan) ? head + ". Proceed? [y/N] " : head + ". Type 'yes' to proceed: ";
    }

    private boolean confirm(String prompt, boolean plain, PrintWriter err) {
        err.print(prompt);
        err.flush();
        String answer;
        try {
            java.util.Optional<String> line = Interruption.prompt(
                    new BufferedReader(new InputStreamReader(Cli.environment(spec).stdin(), StandardCharsets.UTF_8)));
            answer = line.orElse(null);
        } catch (IOException e) {
            return false;
        }
        // End of input, or Ctrl-C, ends the line the prompt left open, so the cancel message starts a line of its own.
        if (answer == null) {
            err.println();
        }
        String a = answer == null ? "" : answer.trim().toLowerCase(Locale.ROOT);
        return plain ? a.equals("y") || a.equals("yes") : a.equals("yes");
    }
}
