package io.elector.spring.actuate;

import io.elector.spring.BackendActivity;
import io.elector.spring.ElectionSettingsResolver;
import io.elector.spring.Elections;
import java.util.Iterator;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.NamedContributor;

/**
 * The {@code elector} health group: one indicator per election of this instance (the elections
 * known now, so elections joined later appear too).
 *
 * <p>Per election: UP as leader (details: token, lease remaining) or as follower (details: the
 * leader seen and its token); DOWN when the lease store has not answered for longer than the
 * election's lease (a leader has then stepped down at its deadline, and no follower can take
 * over), with the last error; UNKNOWN before the context started or after it stopped. A follower is
 * healthy: being leader is not a health property.
 */
public final class ElectorHealthContributor implements CompositeHealthContributor {
    private final Elections elections;
    private final BackendActivity activity;
    private final ElectionSettingsResolver settings;

    public ElectorHealthContributor(Elections elections, BackendActivity activity, ElectionSettingsResolver settings) {
        this.elections = elections;
        this.activity = activity;
        this.settings = settings;
    }

    @Override
    public HealthContributor getContributor(String name) {
        return elections.names().contains(name) ? indicator(name) : null;
    }

    @Override
    public Iterator<NamedContributor<HealthContributor>> iterator() {
        return elections.names().stream()
                .map(n -> NamedContributor.<HealthContributor>of(n, indicator(n)))
                .iterator();
    }

    private HealthIndicator indicator(String name) {
        return () -> health(ElectionStatus.of(name, elections, activity, settings));
    }

    static Health health(ElectionStatus s) {
        Health.Builder b;
        if (Boolean.FALSE.equals(s.backendReachable())) {
            b = Health.down();
        } else if (s.role().equals("not-joined")) {
            b = Health.unknown();
        } else {
            b = Health.up();
        }
        b.withDetail("role", s.role()).withDetail("candidateId", s.candidateId());
        if (s.fencingToken() != null) {
            b.withDetail("fencingToken", s.fencingToken());
            b.withDetail("leaseRemainingMs", s.leaseRemainingMs());
        }
        if (s.leader() != null) {
            b.withDetail("leader", s.leader()).withDetail("leaderToken", s.leaderToken());
        }
        if (s.backendReachable() != null) {
            b.withDetail("backendReachable", s.backendReachable());
        }
        if (s.backendError() != null) {
            b.withDetail("backendError", s.backendError());
        }
        return b.build();
    }
}
