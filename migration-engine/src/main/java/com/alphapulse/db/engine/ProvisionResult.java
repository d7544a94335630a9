package com.alphapulse.db.engine;

import java.time.Duration;
import java.util.List;

/**
 * What {@link MigrationEngine#provision(String)} did for the migration role, or
 * {@link MigrationEngine#provisionApplication(String)} for an application role.
 *
 * @param role the role provisioned
 * @param kind which of the two it was provisioned as
 * @param actions every privilege or role it needs, in the order checked, each done now or found in place
 * @param warnings what provision found and deliberately left alone (e.g. tables another role owns)
 * @param total how long it took
 */
public record ProvisionResult(String role, Kind kind, List<Action> actions, List<String> warnings, Duration total) {

    public ProvisionResult {
        actions = List.copyOf(actions);
        warnings = List.copyOf(warnings);
    }

    /** Whether this run changed anything (a second run changes nothing). */
    public boolean changed() {
        return actions.stream().anyMatch(Action::done);
    }

    /** The two roles provision knows. */
    public enum Kind {
        /** The role that owns the tables and runs every command ({@code provision --migrator}). */
        MIGRATION,
        /** The login role services connect as, filtered by row-level security ({@code provision --app-role}). */
        APPLICATION
    }

    /**
     * One thing the role needs.
     *
     * @param what what it is, e.g. "role rls_bypass_role (NOLOGIN BYPASSRLS)"
     * @param done whether this run did it; false when it was already in place
     * @param sql the statement that did it (no secret: provision never sets a password), empty when nothing was done
     */
    public record Action(String what, boolean done, String sql) {}
}
