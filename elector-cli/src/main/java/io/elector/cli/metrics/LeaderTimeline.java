package io.elector.cli.metrics;

import io.elector.api.LeaderInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The leaderships this process has seen, most recent last, bounded to {@link #CAPACITY} entries,
 * fed by an election's leader watch. Watches may coalesce, so a leader that held office briefly
 * between two observations can be missing here.
 *
 * <p>It also measures the <em>observed failover gap</em>: from the first observation that nobody
 * leads to the first observation of the next leader. A change straight from one leader to another,
 * with no leaderless observation between, records no gap (this process cannot tell when the old
 * leadership ended).
 */
public final class LeaderTimeline {
    /** How many leaderships are kept. */
    public static final int CAPACITY = 50;

    /** One leadership as seen from here; {@code until} is empty while it is the current one. */
    public record Entry(String candidateId, long token, Instant since, Instant seenAt, Optional<Instant> until) {}

    private final Deque<Entry> entries = new ArrayDeque<>();
    private final Consumer<Duration> failoverSink;
    private LeaderInfo current;
    private Long leaderlessSinceNanos;

    /** A timeline that reports each observed failover gap to {@code failoverSink}. */
    public LeaderTimeline(Consumer<Duration> failoverSink) {
        this.failoverSink = failoverSink;
    }

    /** Records an observation: the leader now, or empty when nobody leads. */
    public void observe(Optional<LeaderInfo> leader) {
        Duration gap = null;
        synchronized (this) {
            long now = System.nanoTime();
            LeaderInfo next = leader.orElse(null);
            if (next != null && current != null && next.fencingToken() == current.fencingToken()) {
                return;
            }
            if (current != null) {
                closeCurrent();
            }
            if (next == null) {
                if (current != null) {
                    leaderlessSinceNanos = now;
                }
            } else {
                if (leaderlessSinceNanos != null) {
                    gap = Duration.ofNanos(now - leaderlessSinceNanos);
                    leaderlessSinceNanos = null;
                }
                entries.addLast(new Entry(
                        next.candidateId(), next.fencingToken(), next.since(), Instant.now(), Optional.empty()));
                while (entries.size() > CAPACITY) {
                    entries.removeFirst();
                }
            }
            current = next;
        }
        if (gap != null) {
            failoverSink.accept(gap);
        }
    }

    private void closeCurrent() {
        Entry last = entries.peekLast();
        if (last != null && last.until().isEmpty()) {
            entries.removeLast();
            entries.addLast(new Entry(
                    last.candidateId(), last.token(), last.since(), last.seenAt(), Optional.of(Instant.now())));
        }
    }

    /** The leaderships seen, oldest first. */
    public synchronized List<Entry> entries() {
        return new ArrayList<>(entries);
    }

    /** The leader as last observed. */
    public synchronized Optional<LeaderInfo> current() {
        return Optional.ofNullable(current);
    }
}
