package com.alphapulse.db.engine;

import com.alphapulse.db.migrations.Version;
import java.time.Duration;
import java.util.List;

/**
 * What a downgrade to {@link #toVersion()} would do, worked out on the live database without changing it.
 *
 * @param fromVersion the current version
 * @param toVersion the target, {@link Version#BASE} for below the first version
 * @param steps the undo steps in the order they would run (newest version first)
 * @param risk the highest data-loss risk of any step, before archiving
 * @param warnings what the state after the downgrade would mean (SECURITY warnings)
 * @param blockers preconditions that do not hold; a downgrade with a blocker is refused before it starts
 * @param total how long planning took
 */
public record PlanResult(Version fromVersion, Version toVersion, List<Step> steps, Risk risk, List<String> warnings,
        List<String> blockers, Duration total) {

    public PlanResult {
        steps = List.copyOf(steps);
        warnings = List.copyOf(warnings);
        blockers = List.copyOf(blockers);
    }

    /** Whether a precondition fails, so that a downgrade would be refused. */
    public boolean blocked() {
        return !blockers.isEmpty();
    }

    /**
     * The highest risk of data that would really be lost: with {@code archive} the loss the engine's archive
     * covers does not count.
     */
    public Risk unrecoverableRisk(boolean archive) {
        return steps.stream().map(s -> s.unrecoverableRisk(archive)).reduce(Risk.NONE, Risk::max);
    }

    /**
     * One version's undo.
     *
     * @param version the version undone, e.g. "007"
     * @param description what the version did
     * @param risk the step's data-loss risk: the highest of its statements'
     * @param statements the statements of the undo script in order (the engine's own timeout settings left out)
     */
    public record Step(Version version, String description, Risk risk, List<Statement> statements) {

        public Step {
            statements = List.copyOf(statements);
        }

        /** One line per statement that loses data, e.g. "trades.tenant_id: 1,204,331 values across 3 tenants". */
        public List<String> dataLoss() {
            return statements.stream().filter(s -> s.risk() != Risk.NONE).map(Statement::dataLoss).toList();
        }

        /** Every lock the step's statements take, in order, repeated when several statements take it. */
        public List<Lock> locks() {
            return statements.stream().flatMap(s -> s.locks().stream()).toList();
        }

        /** The highest risk of data that would really be lost, archive considered. */
        public Risk unrecoverableRisk(boolean archive) {
            return statements.stream().filter(s -> !(archive && s.archivable())).map(Statement::risk)
                    .reduce(Risk.NONE, Risk::max);
        }
    }

    /**
     * One statement of an undo script.
     *
     * @param sql the statement, comments removed
     * @param locks the table-level locks it takes
     * @param risk what it does to data: NONE, MEDIUM (drops a column holding values), HIGH (drops a table
     *     holding rows)
     * @param dataLoss what would be lost, counted on the live data; empty when nothing is
     * @param archivable whether the engine's archive keeps what this statement drops, so that upgrading again
     *     restores it
     */
    public record Statement(String sql, List<Lock> locks, Risk risk, String dataLoss, boolean archivable) {

        public Statement {
            locks = List.copyOf(locks);
        }
    }

    /**
     * A lock a statement takes.
     *
     * @param object the table (or, for a role, the role name)
     * @param mode PostgreSQL's lock mode, e.g. {@code ACCESS EXCLUSIVE}
     */
    public record Lock(String object, String mode) {

        @Override
        public String toString() {
            return mode + " on " + object;
        }
    }
}
