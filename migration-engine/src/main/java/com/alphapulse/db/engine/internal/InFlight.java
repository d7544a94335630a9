package com.alphapulse.db.engine.internal;

import com.alphapulse.db.engine.AbandonResult;
import com.alphapulse.db.engine.Outcome;
import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The step each engine is running now, so that a caller that must end the process while the step is stuck (the
 * CLI's bounded wait after a signal) can still leave its journal row: whoever takes the step out first, the step's
 * own end or {@link #abandon}, writes the one row. Keyed by the engine's settings object itself: two engines with
 * equal settings are still two runs.
 */
public final class InFlight {

    private static final Map<EngineSettings, Journal.Step> RUNNING = new IdentityHashMap<>();
    private static final Set<EngineSettings> ABANDONED = Collections.newSetFromMap(new IdentityHashMap<>());

    private InFlight() {}

    /** {@code s}'s engine starts (or retries) {@code step}, journaled as started at {@code step.startedAt()}. */
    static synchronized void start(EngineSettings s, Journal.Step step) {
        ABANDONED.remove(s);
        RUNNING.put(s, step);
    }

    /** The step ended: true when it is to journal itself, false when {@link #abandon} journaled it already. */
    static synchronized boolean finish(EngineSettings s) {
        RUNNING.remove(s);
        return !ABANDONED.remove(s);
    }

    /** The run is over, however it ended: nothing of it is in flight any more. */
    static synchronized void end(EngineSettings s) {
        RUNNING.remove(s);
        ABANDONED.remove(s);
    }

    /** Journals {@code s}'s step in flight as INTERRUPTED with {@code why}, on a connection of its own. */
    public static AbandonResult abandon(EngineSettings s, String why) {
        Journal.Step step;
        synchronized (InFlight.class) {
            step = RUNNING.remove(s);
            if (step == null) {
                return new AbandonResult(Optional.empty(), null);
            }
            ABANDONED.add(s);
        }
        Journal.writeFailure(s, new Journal.Step(step.runId(), step.version(), step.direction(), step.startedAt(), Instant.now(),
                0, 0, Outcome.INTERRUPTED, why), null);
        return new AbandonResult(Optional.of(step.version()), step.direction());
    }
}
