package io.elector.cli.metrics;

import io.elector.api.Election;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.api.Registration;
import io.elector.api.Revocation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer meters for one election of this process, tagged {@code election} and {@code
 * candidate}:
 *
 * <ul>
 *   <li>{@code elector_is_leader}: 1 while this candidate holds a valid leadership, else 0;
 *   <li>{@code elector_elections_won_total}: leaderships this candidate started;
 *   <li>{@code elector_leadership_duration_seconds}: how long each ended leadership lasted;
 *   <li>{@code elector_failover_seconds}: observed leaderless gaps (see {@link LeaderTimeline});
 *   <li>{@code elector_lease_remaining_seconds}: time left before the local deadline (0 when not
 *       leader);
 *   <li>{@code elector_leader_token}: the fencing token of the leader last seen (0 if none).
 * </ul>
 *
 * Renew latency is measured per backend by {@link MeteredLeaseStore} (lease-style backends only).
 */
public final class ElectionMetrics implements AutoCloseable {
    private final Counter won;
    private final Timer duration;
    private final Timer failover;
    private final LeaderTimeline timeline;
    private final Registration listener;
    private final Registration watch;

    public ElectionMetrics(Election election, MeterRegistry registry) {
        Tags tags = Tags.of("election", election.name(), "candidate", election.candidateId());
        Gauge.builder("elector.is.leader", election, e -> e.isLeader() ? 1 : 0)
                .description("1 while this candidate holds a valid leadership")
                .tags(tags)
                .register(registry);
        Gauge.builder(
                        "elector.lease.remaining",
                        election,
                        e -> e.leadership()
                                .map(l -> Math.max(0, l.remaining().toNanos()) / 1e9)
                                .orElse(0.0))
                .description("Seconds left before this leader's local deadline (0 when not leader)")
                .baseUnit("seconds")
                .tags(tags)
                .register(registry);
        this.won = Counter.builder("elector.elections.won")
                .description("Leaderships this candidate started")
                .tags(tags)
                .register(registry);
        this.duration = Timer.builder("elector.leadership.duration")
                .description("How long each ended leadership of this candidate lasted")
                .tags(tags)
                .register(registry);
        this.failover = Timer.builder("elector.failover")
                .description("Observed leaderless gaps: nobody seen leading until the next leader was seen")
                .tags(tags)
                .register(registry);
        this.timeline = new LeaderTimeline(this::recordFailover);
        Gauge.builder(
                        "elector.leader.token",
                        timeline,
                        t -> t.current().map(i -> (double) i.fencingToken()).orElse(0.0))
                .description("Fencing token of the leader last seen (0 if none)")
                .tags(tags)
                .register(registry);
        this.listener = election.addListener(new LeadershipListener() {
            // Listener calls strictly alternate and never overlap, so one field is enough.
            private long electedAtNanos;

            @Override
            public void elected(Leadership leadership) {
                electedAtNanos = System.nanoTime();
                won.increment();
            }

            @Override
            public void revoked(Leadership leadership, Revocation revocation) {
                duration.record(System.nanoTime() - electedAtNanos, TimeUnit.NANOSECONDS);
            }
        });
        this.watch = election.watchLeader(timeline::observe);
    }

    private void recordFailover(Duration gap) {
        failover.record(gap);
    }

    /** The leaderships seen by this process. */
    public LeaderTimeline timeline() {
        return timeline;
    }

    @Override
    public void close() {
        listener.close();
        watch.close();
    }
}
