package com.alphapulse.db.engine;

import java.time.Instant;

/**
 * The rollback runbook, written from the migrations' own metadata (their header comments and what the undo
 * scripts do) and the measured times of a rehearsal.
 *
 * @param markdown the runbook as Markdown
 * @param rehearsalFinishedAt when the rehearsal whose times it quotes ended, or null when it quotes none
 * @param generatedAt when it was written
 */
public record RunbookResult(String markdown, Instant rehearsalFinishedAt, Instant generatedAt) {}
