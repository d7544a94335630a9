package com.alphapulse.db.engine;

import java.time.Duration;
import java.util.List;

/**
 * What {@link MigrationEngine#provision(String)} did for the migration role.
 *
 * @param migrator the role provisioned
 * @param actions every privilege or role the migration role needs, in the order checked, each done now or found
 * @param warnings what provision found and deliberately left alone (e.g. tables another role owns)
 * @param total how long it took
 */
public record ProvisionResult(String migrator, List<Action> actions, List<String> warnings, Duration total) {

    public ProvisionResult {
        actions = List.copyOf(actions);
        warnings = List.copyOf(warnings);
    }

    /** Whether this run changed anything (a second run changes nothing). */
    public boolean changed() {
        return actions.stream().anyMatch(Action::done);
    }

    /**
     * One thing the migration role needs.
     *
     * @param what what it is, e.g. "role rls_bypass_role (NOLOGIN BYPASSRLS)"
     * @param done whether this run did it; false when it was already in place
     * @param sql the statement that did it (no secret: provision never sets a password), empty when nothing was done
     */
    public record Action(String what, boolean done, String sql) {}
}
