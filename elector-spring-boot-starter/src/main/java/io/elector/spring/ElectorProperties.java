package io.elector.spring;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code elector.*} properties. Only {@code elector.backend} is required; every other value has
 * a stated default and is validated when the context starts (a bad value fails the start with one
 * message naming the property).
 *
 * <p>Timing: when {@code renew-interval} or {@code retry-interval} is not set, it is derived from
 * the lease ({@code lease / 5} and {@code lease / 10}), so setting {@code lease-duration} alone is
 * always valid. A per-election value overrides the global one.
 */
@ConfigurationProperties(prefix = "elector")
public class ElectorProperties {

    /**
     * The backend URI, as for the elector command: memory:, postgresql://127.0.0.1:5432/test?user=postgres,
     * mysql://root@127.0.0.1:3306/test, h2:mem:name, raft://host:port,host:port?node=N... The backend's
     * module (elector-jdbc, elector-raft...) must be on the class path; memory: needs none.
     */
    private String backend;

    /** This instance's candidate id, unique among candidates. Default: host name and process id. */
    private String candidateId;

    /** Metadata published with this instance's leaderships (address, zone...). */
    private Map<String, String> metadata = new LinkedHashMap<>();

    /** How long a lease lasts unless renewed (100ms to 1h). Default 5s. */
    private Duration leaseDuration;

    /** How often a leader renews; at most half the lease. Default: lease-duration / 5. */
    private Duration renewInterval;

    /** How often a follower tries to acquire; at most the lease. Default: lease-duration / 10. */
    private Duration retryInterval;

    /** Largest clock rate error assumed between instances, 0 to 0.1. Default 0.01 (1%). */
    private Double clockDriftBound;

    /** Longest time opening the backend may hold up the context start; longer fails the start. */
    private Duration startupTimeout = Duration.ofSeconds(10);

    /**
     * Longest time a graceful shutdown waits for running leader-only calls to stop (they are
     * interrupted) before resigning.
     */
    private Duration shutdownTimeout = Duration.ofSeconds(10);

    /** Settings of @LeaderOnly methods. */
    private final LeaderOnlyProperties leaderOnly = new LeaderOnlyProperties();

    /** Per-election settings, by election name; each overrides the global value of the same name. */
    private Map<String, ElectionProperties> elections = new LinkedHashMap<>();

    public String getBackend() {
        return backend;
    }

    public void setBackend(String backend) {
        this.backend = backend;
    }

    public String getCandidateId() {
        return candidateId;
    }

    public void setCandidateId(String candidateId) {
        this.candidateId = candidateId;
    }

    public Map<String, String> getMetadata() {
        return metadata;
    }

    public void setMetadata(Map<String, String> metadata) {
        this.metadata = metadata;
    }

    public Duration getLeaseDuration() {
        return leaseDuration;
    }

    public void setLeaseDuration(Duration leaseDuration) {
        this.leaseDuration = leaseDuration;
    }

    public Duration getRenewInterval() {
        return renewInterval;
    }

    public void setRenewInterval(Duration renewInterval) {
        this.renewInterval = renewInterval;
    }

    public Duration getRetryInterval() {
        return retryInterval;
    }

    public void setRetryInterval(Duration retryInterval) {
        this.retryInterval = retryInterval;
    }

    public Double getClockDriftBound() {
        return clockDriftBound;
    }

    public void setClockDriftBound(Double clockDriftBound) {
        this.clockDriftBound = clockDriftBound;
    }

    public Duration getStartupTimeout() {
        return startupTimeout;
    }

    public void setStartupTimeout(Duration startupTimeout) {
        this.startupTimeout = startupTimeout;
    }

    public Duration getShutdownTimeout() {
        return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    public LeaderOnlyProperties getLeaderOnly() {
        return leaderOnly;
    }

    public Map<String, ElectionProperties> getElections() {
        return elections;
    }

    public void setElections(Map<String, ElectionProperties> elections) {
        this.elections = elections;
    }

    /** Settings of {@code @LeaderOnly} methods. */
    public static class LeaderOnlyProperties {
        /** What a @LeaderOnly call does on an instance that does not lead: skip (return null/0) or throw. */
        private NotLeaderPolicy whenNotLeader = NotLeaderPolicy.SKIP;

        public NotLeaderPolicy getWhenNotLeader() {
            return whenNotLeader;
        }

        public void setWhenNotLeader(NotLeaderPolicy whenNotLeader) {
            this.whenNotLeader = whenNotLeader;
        }
    }

    /** One election's settings; unset values come from the global ones. */
    public static class ElectionProperties {
        /** How long this election's lease lasts unless renewed (100ms to 1h). */
        private Duration leaseDuration;

        /** How often this election's leader renews; at most half the lease. */
        private Duration renewInterval;

        /** How often this election's followers try to acquire; at most the lease. */
        private Duration retryInterval;

        /** Largest clock rate error assumed for this election, 0 to 0.1. */
        private Double clockDriftBound;

        public Duration getLeaseDuration() {
            return leaseDuration;
        }

        public void setLeaseDuration(Duration leaseDuration) {
            this.leaseDuration = leaseDuration;
        }

        public Duration getRenewInterval() {
            return renewInterval;
        }

        public void setRenewInterval(Duration renewInterval) {
            this.renewInterval = renewInterval;
        }

        public Duration getRetryInterval() {
            return retryInterval;
        }

        public void setRetryInterval(Duration retryInterval) {
            this.retryInterval = retryInterval;
        }

        public Double getClockDriftBound() {
            return clockDriftBound;
        }

        public void setClockDriftBound(Double clockDriftBound) {
            this.clockDriftBound = clockDriftBound;
        }
    }
}
