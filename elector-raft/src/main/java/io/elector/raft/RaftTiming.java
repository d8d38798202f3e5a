package io.elector.raft;

import io.elector.api.InvalidSettingException;
import java.time.Duration;

/**
 * The node's timing. The leader lease is {@code minElectionTimeout * (1 - driftBound)} counted
 * from the send time of the last heartbeat (or vote request) a majority acknowledged; followers
 * refuse votes for {@code minElectionTimeout} after hearing from a live leader, on their own
 * clock. The lease is sound while the rate of any node's clock relative to any other's stays
 * within {@code 1 ± driftBound}.
 */
record RaftTiming(Duration heartbeat, Duration minElectionTimeout, Duration maxElectionTimeout, double driftBound) {
    static final Duration DEFAULT_HEARTBEAT = Duration.ofMillis(50);
    static final Duration DEFAULT_MIN_ELECTION = Duration.ofMillis(150);
    static final Duration DEFAULT_MAX_ELECTION = Duration.ofMillis(300);

    RaftTiming {
        if (heartbeat.compareTo(Duration.ofMillis(1)) < 0 || heartbeat.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new InvalidSettingException("heartbeat must be between 1ms and 10s: " + heartbeat);
        }
        if (minElectionTimeout.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw new InvalidSettingException("minimum election timeout must be at least twice the heartbeat ("
                    + heartbeat.multipliedBy(2) + "): " + minElectionTimeout);
        }
        if (maxElectionTimeout.compareTo(minElectionTimeout) <= 0
                || maxElectionTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new InvalidSettingException("maximum election timeout must be above the minimum ("
                    + minElectionTimeout + ") and at most 1 min: " + maxElectionTimeout);
        }
        if (!(driftBound >= 0 && driftBound <= 0.1)) {
            throw new InvalidSettingException("clock drift bound must be between 0 and 0.1: " + driftBound);
        }
    }

    static RaftTiming defaults() {
        return new RaftTiming(DEFAULT_HEARTBEAT, DEFAULT_MIN_ELECTION, DEFAULT_MAX_ELECTION, 0.01);
    }

    long heartbeatNanos() {
        return heartbeat.toNanos();
    }

    long minElectionNanos() {
        return minElectionTimeout.toNanos();
    }

    long maxElectionNanos() {
        return maxElectionTimeout.toNanos();
    }

    /** How long a leadership is valid after the send time a majority acknowledged. */
    long leaseNanos() {
        return (long) (minElectionTimeout.toNanos() * (1 - driftBound));
    }
}
