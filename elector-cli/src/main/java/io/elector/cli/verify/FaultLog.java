package io.elector.cli.verify;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The faults injected in a run, with when each began and healed (real wall nanos). */
final class FaultLog {
    /** One fault: {@code kind} on {@code target} from {@code start} until {@code healed}. */
    record Entry(String kind, String target, boolean targetWasLeader, long start, long healed) {}

    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    void add(Entry e) {
        entries.add(e);
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }
}
