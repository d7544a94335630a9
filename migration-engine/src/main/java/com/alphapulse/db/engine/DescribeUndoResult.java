package com.alphapulse.db.engine;

import com.alphapulse.db.migrations.Version;
import java.util.List;

/**
 * What undoing one version does, read from its undo script and the expected catalogs alone (no database):
 * the static counterpart of a {@link PlanResult.Step}, which counts the data on a live database.
 *
 * @param version the version the undo script takes away
 * @param risk the worst data-loss risk of its statements before archiving
 * @param archived whether everything it would lose is archived and restored exactly (false when it loses nothing)
 * @param actions what it does, one phrase each ("drops column trades.tenant_id")
 * @param losses what data it would lose, one phrase each ("every row of tenants", "users.tenant_id")
 * @param locks the table locks it takes ("ACCESS EXCLUSIVE on trades"), held until the version's transaction commits
 * @param warnings SECURITY warnings for a database left at the version below (tenant tables without RLS, foreign
 *     keys between tenant tables that no longer carry the tenant)
 */
public record DescribeUndoResult(Version version, Risk risk, boolean archived, List<String> actions,
        List<String> losses, List<String> locks, List<String> warnings) {

    public DescribeUndoResult {
        actions = List.copyOf(actions);
        losses = List.copyOf(losses);
        locks = List.copyOf(locks);
        warnings = List.copyOf(warnings);
    }
}
