package com.alphapulse.db.rehearsal.internal;

import java.time.Duration;
import java.util.Arrays;

/**
 * Start and end ({@link System#nanoTime}) of every transaction, and the statistics of those that overlapped a
 * window. Thread-safe; grows as needed (16 bytes a transaction).
 */
public final class LatencyLog {

    /**
     * Transactions that overlapped a window.
     *
     * @param transactions how many
     * @param max the longest, zero when none
     * @param p99 the 99th percentile (nearest rank), zero when none
     */
    public record Window(long transactions, Duration max, Duration p99) {}

    private long[] starts = new long[1024];
    private long[] ends = new long[1024];
    private int size;

    /** Records a transaction that ran from {@code start} to {@code end}. */
    public synchronized void add(long start, long end) {
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            ends = Arrays.copyOf(ends, size * 2);
        }
        starts[size] = start;
        ends[size] = end;
        size++;
    }

    public synchronized int size() {
        return size;
    }

    /**
     * The transactions that overlapped {@code [from, to]} (started before {@code to} and ended after {@code from}),
     * together with those still running, given by their starts, counted as lasting until {@code now}.
     */
    public Window window(long from, long to, long[] running, long now) {
        long[] latencies;
        int n = 0;
        synchronized (this) {
            latencies = new long[size + running.length];
            for (int i = 0; i < size; i++) {
                if (starts[i] <= to && ends[i] >= from) {
                    latencies[n++] = ends[i] - starts[i];
                }
            }
        }
        for (long start : running) {
            if (start <= to && now >= from) {
                latencies[n++] = now - start;
            }
        }
        if (n == 0) {
            return new Window(0, Duration.ZERO, Duration.ZERO);
        }
        Arrays.sort(latencies, 0, n);
        int rank = (int) Math.ceil(0.99 * n) - 1;
        return new Window(n, Duration.ofNanos(latencies[n - 1]), Duration.ofNanos(latencies[Math.max(0, rank)]));
    }

    /** The longest transaction recorded, zero when none. */
    public synchronized Duration max() {
        long max = 0;
        for (int i = 0; i < size; i++) {
            max = Math.max(max, ends[i] - starts[i]);
        }
        return Duration.ofNanos(max);
    }
}
