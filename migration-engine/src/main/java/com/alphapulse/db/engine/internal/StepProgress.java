package com.alphapulse.db.engine.internal;

import java.sql.SQLException;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Progress lines for the long parts of a step (archiving or restoring one table or column), so a restore
 * that takes 20 s is not silent between its start and its end: one line per table or column done, with its
 * row count, elapsed time and rate, e.g. {@code "  restored trades.tenant_id: 1,000,000 value(s) in 21.8 s
 * (45,871/s)"}. Nothing is printed for a table or column that had nothing to do.
 */
final class StepProgress {

    /** One table's or column's work; returns the rows it wrote. */
    @FunctionalInterface
    interface Work {
        long run() throws SQLException;
    }

    private StepProgress() {}

    /** Runs {@code work}, then reports {@code what} with its rows and elapsed time; returns the rows. */
    static long timed(Consumer<String> progress, String what, String unit, Work work) throws SQLException {
        long t0 = System.nanoTime();
        long rows = work.run();
        if (rows > 0) {
            progress.accept(line(what, unit, rows, System.nanoTime() - t0));
        }
        return rows;
    }

    static String line(String what, String unit, long rows, long nanos) {
        double seconds = nanos / 1e9;
        String elapsed = seconds < 1 ? String.format(Locale.ROOT, "%d ms", nanos / 1_000_000)
                : String.format(Locale.ROOT, "%.1f s", seconds);
        String rate = seconds < 0.001 ? "" : String.format(Locale.US, " (%,d/s)", Math.round(rows / seconds));
        return String.format(Locale.US, "  %s: %,d %s in %s%s", what, rows, unit, elapsed, rate);
    }
}
