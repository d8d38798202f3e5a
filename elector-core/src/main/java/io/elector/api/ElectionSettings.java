package io.elector.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Timing of one election. Validated when built; every field has a stated default.
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>leaseDuration</td><td>5 s</td><td>how long a lease in a shared store lasts
 *       unless renewed; a crashed leader that holds no connection-bound lock is replaced after at
 *       most about lease + retry</td></tr>
 *   <tr><td>renewInterval</td><td>1 s</td><td>how often a leader renews; a backend blip
 *       shorter than lease - renew does not cost leadership</td></tr>
 *   <tr><td>retryInterval</td><td>500 ms</td><td>how often a follower tries to acquire (with
 *       &plusmn;20% jitter), and how soon a failed renewal is retried</td></tr>
 *   <tr><td>clockDriftBound</td><td>0.01</td><td>the largest clock rate error assumed between any
 *       two processes (1% = 10 ms per second); every local deadline is shortened by it</td></tr>
 * </table>
 *
 * <p>Backends that are not lease-based (embedded Raft) use their own timing and ignore the lease
 * and renew settings; they still apply the drift bound.
 */
public record ElectionSettings(
        Duration leaseDuration, Duration renewInterval, Duration retryInterval, double clockDriftBound) {

    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(5);
    public static final Duration DEFAULT_RENEW = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RETRY = Duration.ofMillis(500);
    public static final double DEFAULT_DRIFT = 0.01;

    static final Duration MIN_LEASE = Duration.ofMillis(100);
    static final Duration MAX_LEASE = Duration.ofHours(1);
    static final double MAX_DRIFT = 0.1;

    /** Validates every field; see the class comment for the ranges. */
    public ElectionSettings {
        Objects.requireNonNull(leaseDuration, "leaseDuration");
        Objects.requireNonNull(renewInterval, "renewInterval");
        Objects.requireNonNull(retryInterval, "retryInterval");
        if (leaseDuration.compareTo(MIN_LEASE) < 0 || leaseDuration.compareTo(MAX_LEASE) > 0) {
            throw new InvalidSettingException("leaseDuration must be between 100ms and 1h: " + leaseDuration);
        }
        if (!(clockDriftBound >= 0 && clockDriftBound <= MAX_DRIFT)) {
            throw new InvalidSettingException("clockDriftBound must be between 0 and 0.1 (10%): " + clockDriftBound);
        }
        Duration effectiveLease = Duration.ofNanos((long) (leaseDuration.toNanos() * (1 - clockDriftBound)));
        if (renewInterval.isNegative()
                || renewInterval.isZero()
                || renewInterval.multipliedBy(2).compareTo(effectiveLease) > 0) {
            throw new InvalidSettingException("renewInterval must be > 0 and at most half of leaseDuration"
                    + " shortened by the drift bound (" + effectiveLease.dividedBy(2) + "), so that one failed"
                    + " renewal does not cost leadership: " + renewInterval);
        }
        if (retryInterval.isNegative() || retryInterval.isZero() || retryInterval.compareTo(leaseDuration) > 0) {
            throw new InvalidSettingException(
                    "retryInterval must be > 0 and at most leaseDuration (" + leaseDuration + "): " + retryInterval);
        }
    }

    /** The defaults stated in the class comment. */
    public static ElectionSettings defaults() {
        return new ElectionSettings(DEFAULT_LEASE, DEFAULT_RENEW, DEFAULT_RETRY, DEFAULT_DRIFT);
    }

    public ElectionSettings withLeaseDuration(Duration d) {
        return new ElectionSettings(d, renewInterval, retryInterval, clockDriftBound);
    }

    public ElectionSettings withRenewInterval(Duration d) {
        return new ElectionSettings(leaseDuration, d, retryInterval, clockDriftBound);
    }

    public ElectionSettings withRetryInterval(Duration d) {
        return new ElectionSettings(leaseDuration, renewInterval, d, clockDriftBound);
    }

    public ElectionSettings withClockDriftBound(double fraction) {
        return new ElectionSettings(leaseDuration, renewInterval, retryInterval, fraction);
    }

    /** A lease with renew = lease / 5 and retry = lease / 10, keeping the drift bound. */
    public ElectionSettings withLease(Duration lease) {
        return new ElectionSettings(lease, lease.dividedBy(5), lease.dividedBy(10), clockDriftBound);
    }
}
