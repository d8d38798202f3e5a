package io.elector.testkit.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The lines that a benchmark's child processes print, in the order the parent read them, and the
 * waits for one of them. A wait may pass over other lines: those it keeps go back to the queue for
 * later waits, the others are dropped.
 */
public final class ChildLines {
    private final BlockingQueue<ChildLine> queue = new LinkedBlockingQueue<>();

    /** Adds a line read from a child (called by the child's reader thread). */
    public void add(ChildLine line) {
        queue.add(line);
    }

    /** The next line within {@code timeout}, or {@code null}. */
    public ChildLine poll(Duration timeout) throws InterruptedException {
        return queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Removes and returns every line read so far. */
    public List<ChildLine> drain() {
        List<ChildLine> out = new ArrayList<>();
        queue.drainTo(out);
        return out;
    }

    /**
     * The first line that is {@code wanted} within {@code timeout}; lines passed over are put back
     * if {@code keep} accepts them.
     *
     * @throws IllegalStateException "{@code missing} within {@code timeout}" if none came
     */
    public ChildLine await(Predicate<ChildLine> wanted, Predicate<ChildLine> keep, Duration timeout, String missing)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        List<ChildLine> kept = new ArrayList<>();
        try {
            while (System.nanoTime() - end < 0) {
                ChildLine l = queue.poll(100, TimeUnit.MILLISECONDS);
                if (l == null) {
                    continue;
                }
                if (wanted.test(l)) {
                    return l;
                }
                if (keep.test(l)) {
                    kept.add(l);
                }
            }
            throw new IllegalStateException(missing + " within " + timeout);
        } finally {
            queue.addAll(kept);
        }
    }

    /**
     * The first {@code kind} line from a child other than {@code notChild} (-1: from any). Lines
     * passed over are kept, except {@code REVOKED} lines and {@code notChild}'s {@code ELECTED}
     * lines, which are stale by then.
     */
    public ChildLine awaitFromOther(String kind, int notChild, Duration timeout) throws InterruptedException {
        return await(
                l -> l.kind().equals(kind) && l.child() != notChild,
                l -> !l.kind().equals("REVOKED") && !(l.kind().equals("ELECTED") && l.child() == notChild),
                timeout,
                "no " + kind);
    }

    /**
     * The first {@code kind} line from a child other than {@code notChild} (-1: from any); lines
     * passed over are dropped.
     */
    public ChildLine nextFromOther(String kind, int notChild, Duration timeout) throws InterruptedException {
        return await(l -> l.kind().equals(kind) && l.child() != notChild, l -> false, timeout, "no " + kind);
    }

    /**
     * The first {@code kind} line from {@code child}; lines passed over are put back if {@code keep}
     * accepts them.
     */
    public ChildLine awaitFrom(String kind, int child, Predicate<ChildLine> keep, Duration timeout)
            throws InterruptedException {
        return await(
                l -> l.kind().equals(kind) && l.child() == child, keep, timeout, "child " + child + " not " + kind);
    }
}
