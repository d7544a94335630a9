package com.alphapulse.db.engine;

import com.alphapulse.db.migrations.Version;
import java.util.List;

/**
 * The SQL an upgrade would run, as a script a person can review or attach to a change ticket, worked out
 * without changing anything: the engine's own statements (migration lock, timeouts, table locks, online progress
 * rows, journal rows) rendered from the same producers the real run executes, each pending version's script
 * statements whole and in order, the history row Flyway writes itself, {@code BEGIN;}/{@code COMMIT;} where Flyway
 * runs the version in one transaction, and {@code --} comments for what is not one literal statement (preflight
 * reads, batches, archive restores).
 *
 * @param fromVersion the version the database is at
 * @param toVersion the version the upgrade would reach
 * @param statements the script's statements in order, comments left out, each ending in {@code ;}
 * @param script the whole script, comments included, lines separated by {@code \n}
 */
public record UpgradeSqlResult(Version fromVersion, Version toVersion, List<String> statements, String script) {}
