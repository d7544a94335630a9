package com.alphapulse.db.engine;

/**
 * A downgrade plan with the SQL the engine would run for it, as a script a person can review or attach to a
 * change ticket: every statement untruncated and ending in {@code ;}, the engine's own (the migration lock, the
 * timeouts, the table locks, the row-security lift, the history and journal rows) rendered from the same text the
 * real run executes, {@code BEGIN;}/{@code COMMIT;} around each version's transaction, and {@code --} comments for
 * what is not one literal statement (the archive copies, the online pre-archive). Worked out without changing
 * anything.
 *
 * @param plan the plan, as {@link MigrationEngine#plan(String)} returns it
 * @param script the script, lines separated by {@code \n}
 */
public record PlanSqlResult(PlanResult plan, String script) {}
