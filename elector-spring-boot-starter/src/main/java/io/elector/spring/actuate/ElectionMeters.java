package io.elector.spring.actuate;

import io.elector.api.Election;
import io.elector.api.LeaderInfo;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.api.Registration;
import io.elector.api.Revocation;
import io.elector.spring.ElectionCustomizer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer meters for each joined election, tagged {@code election} and {@code candidate}, with
 * the names the {@code elector} command uses:
 *
 * <ul>
 *   <li>{@code elector.is.leader}: 1 while this candidate holds a valid leadership, else 0;
 *   <li>{@code elector.elections.won}: leaderships this candidate started;
 *   <li>{@code elector.leadership.duration}: how long each ended leadership lasted;
 *   <li>{@code elector.lease.remaining}: seconds before the local deadline (0 when not leader);
 *   <li>{@code elector.leader.token}: the token of the leader last seen (0 if none).
 * </ul>
 *
 * Store call latency ({@code elector.renew.latency}, {@code elector.acquire.latency}) is timed by
 * {@link StoreCallMeters}. The meters are removed when the election is left.
 */
public final class ElectionMeters implements ElectionCustomizer {
    private final MeterRegistry registry;

    public ElectionMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Registration customize(Election election) {
        Tags tags = Tags.of("election", election.name(), "candidate", election.candidateId());
        Gauge leader = Gauge.builder("elector.is.leader", election, e -> e.isLeader() ? 1 : 0)
                .description("1 while this candidate holds a valid leadership")
                .tags(tags)
                .register(registry);
        Gauge remaining = Gauge.builder(
                        "elector.lease.remaining",
                        election,
                        e -> e.leadership()
                                .map(l -> Math.max(0, l.remaining().toNanos()) / 1e9)
                                .orElse(0.0))
                .description("Seconds left before this leader's local deadline (0 when not leader)")
                .baseUnit("seconds")
                .tags(tags)
                .register(registry);
        Gauge token = Gauge.builder(
                        "elector.leader.token",
                        election,
                        e -> e.leader().map(LeaderInfo::fencingToken).orElse(0L).doubleValue())
                .description("Fencing token of the leader last seen (0 if none)")
                .tags(tags)
                .register(registry);
        Counter won = Counter.builder("elector.elections.won")
                .description("Leaderships this candidate started")
                .tags(tags)
                .register(registry);
        Timer duration = Timer.builder("elector.leadership.duration")
                .description("How long each ended leadership of this candidate lasted")
                .tags(tags)
                .register(registry);
        Registration listener = election.addListener(new LeadershipListener() {
            @Override
            public void elected(Leadership leadership) {
                won.increment();
            }

            @Override
            public void revoked(Leadership leadership, Revocation revocation) {
                duration.record(revocation.atMonotonicNanos() - leadership.electedAtNanos(), TimeUnit.NANOSECONDS);
            }
        });
        List<Meter> meters = List.of(leader, remaining, token, won, duration);
        return () -> {
            listener.close();
            meters.forEach(registry::remove);
        };
    }
}
