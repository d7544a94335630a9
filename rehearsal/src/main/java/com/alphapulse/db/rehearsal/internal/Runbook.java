package com.alphapulse.db.rehearsal.internal;

import com.alphapulse.db.engine.DescribeUndoResult;
import com.alphapulse.db.engine.MigrationEngine;
import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.migrations.SchemaVersion;
import com.alphapulse.db.rehearsal.RehearseResult;
import com.alphapulse.db.rehearsal.RunbookResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The rollback runbook's model: the seed's procedure, regenerated from what the scripts really do (the
 * engine's {@link MigrationEngine#describeUndo}) and the rehearsal's measured times. Rendering it, command
 * lines included, is the front end's job.
 */
public final class Runbook {

    private Runbook() {}

    public static RunbookResult write(MigrationSet set, RehearseResult rehearsal) {
        List<SchemaVersion> newestFirst = new ArrayList<>(set.versions());
        Collections.reverse(newestFirst);
        List<RunbookResult.Entry> entries = new ArrayList<>();
        for (SchemaVersion v : newestFirst) {
            DescribeUndoResult undo = MigrationEngine.describeUndo(set, v.version());
            entries.add(new RunbookResult.Entry(v.version(), v.description(), set.previous(v.version()),
                    header(v.migrationSql()), undo.risk(), undo.archived(), undo.actions(), undo.losses(), undo.locks(),
                    undo.warnings(), header(v.undoSql()), row(rehearsal, v.label())));
        }
        SchemaVersion head = set.head();
        SchemaVersion first = set.first();
        RunbookResult.Rehearsal quoted = rehearsal == null ? null
                : new RunbookResult.Rehearsal(rehearsal.finishedAt(), rehearsal.database(),
                        rehearsal.data() == null ? 0 : rehearsal.data().trades(),
                        rehearsal.data() == null ? 0 : rehearsal.data().tenantIds().size(), rehearsal.passed(),
                        rehearsal.recoveryTarget());
        // The rehearsal's full cycle goes from head down to the set's first version (Rehearsal names its row so).
        return new RunbookResult(head.version(), entries, first.version(),
                row(rehearsal, head.label() + " -> " + first.label()), quoted, Instant.now());
    }

    private static RehearseResult.Row row(RehearseResult r, String migration) {
        if (r == null) {
            return null;
        }
        return r.rows().stream().filter(x -> x.migration().equals(migration)).findFirst().orElse(null);
    }

    /** A script's leading comment lines without their {@code --}, up to the first statement. */
    static String header(String sql) {
        StringBuilder sb = new StringBuilder();
        for (String line : sql.split("\\R")) {
            String t = line.strip();
            if (t.startsWith("--")) {
                sb.append(t.substring(2).strip()).append('\n');
            } else if (!t.isEmpty()) {
                break;
            }
        }
        return sb.toString().strip();
    }
}
