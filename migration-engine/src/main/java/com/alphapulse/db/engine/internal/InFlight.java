package com.alphapulse.db.engine.internal;

import com.alphapulse.db.engine.AbandonResult;
import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.Outcome;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The step each engine is running now, so that a caller that must end the process while the step is stuck (the
 * CLI's bounded wait after a signal) can still leave its journal row. Exactly one row per step: the step claims
 * itself ({@link #claim}) before it commits or journals its own ending, and {@link #abandon} writes only an
 * unclaimed step, then marks it so that the step's own ending, a retry included, writes nothing more. Keyed by the
 * engine's settings object (two engines with equal settings are two), owned by the run's thread: another call on
 * the same engine (refused, or later) never touches a run's entry. All under one monitor; {@link #abandon} holds it
 * while it writes, so a step cannot claim itself halfway through.
 */
public final class InFlight {

    /**
     * @param outcome what an abandoned step is journaled as: INTERRUPTED where the server rolls it back whole,
     *        FAILED for a version outside a transaction that keeps what it did (repair's evidence)
     */
    private record Entry(Thread owner, Journal.Step step, Outcome outcome, String consequence, boolean abandoned) {}

    private static final Map<EngineSettings, Entry> RUNNING = new IdentityHashMap<>();

    private InFlight() {}

    /**
     * {@code s}'s run, on this thread, starts (or retries) {@code step}; {@code outcome} and {@code consequence} say
     * what an abandoned one is journaled as and what that leaves. A step abandoned before is not started again.
     */
    static synchronized void start(EngineSettings s, Journal.Step step, Outcome outcome, String consequence) {
        Entry e = RUNNING.get(s);
        if (e != null && e.owner() == Thread.currentThread() && e.abandoned()) {
            throw new MigrationException(MigrationException.Code.INTERRUPTED, "the run was abandoned (its step is journaled "
                    + "INTERRUPTED); nothing more is started");
        }
        RUNNING.put(s, new Entry(Thread.currentThread(), step, outcome, consequence, false));
    }

    /**
     * The step is about to commit or journal its own ending: true when it may (and it is no longer in flight), false
     * when {@link #abandon} journaled it already, and the step must then neither commit nor journal.
     */
    static synchronized boolean claim(EngineSettings s) {
        Entry e = RUNNING.get(s);
        if (e == null || e.owner() != Thread.currentThread()) {
            return true;
        }
        if (e.abandoned()) {
            return false; // kept until the run ends: its failure path asks again
        }
        RUNNING.remove(s);
        return true;
    }

    /** This thread's run is over, however it ended. */
    static synchronized void end(EngineSettings s) {
        Entry e = RUNNING.get(s);
        if (e != null && e.owner() == Thread.currentThread()) {
            RUNNING.remove(s);
        }
    }

    /**
     * Journals {@code s}'s step in flight, on a connection of its own, with {@code why} and what it leaves; marked
     * abandoned only once the row is written (a server that takes no row leaves the step to journal itself).
     */
    public static synchronized AbandonResult abandon(EngineSettings s, String why) {
        Entry e = RUNNING.get(s);
        if (e == null || e.abandoned()) {
            return new AbandonResult(Optional.empty(), null, false);
        }
        Journal.Step step = e.step();
        boolean written = Journal.writeAlone(s, new Journal.Step(step.runId(), step.version(), step.direction(), step.startedAt(),
                Instant.now(), 0, 0, e.outcome(), why + "; " + e.consequence()));
        if (written) {
            RUNNING.put(s, new Entry(e.owner(), step, e.outcome(), e.consequence(), true));
        }
        return new AbandonResult(Optional.of(step.version()), step.direction(), written);
    }
}
