package io.elector.testkit;

import io.elector.api.ElectionSettings;
import io.elector.spi.Backend;
import java.time.Duration;

/**
 * What a backend module gives the {@link ElectionConformanceSuite}: fresh client connections to a
 * real server (each standing for a separate process), and the faults the suite injects.
 *
 * <p>One fixture per test: the suite creates it before each test and closes it after.
 */
public interface BackendFixture extends AutoCloseable {

    /**
     * A new connection to the election service, as a separate process would open it. For embedded
     * Raft each call returns the next node of the cluster; at most {@link #maxCandidates()} calls.
     */
    Backend newBackend();

    /** How many candidates the suite may create (Raft: the cluster size). */
    default int maxCandidates() {
        return 5;
    }

    /** Settings the suite uses: short leases so that tests run fast. */
    ElectionSettings settings();

    /**
     * Cuts {@code backend} off from the service without telling it (traffic blackholed or refused),
     * so it can neither renew nor release. Other candidates keep their access.
     */
    void cutOff(Backend backend);

    /** Undoes {@link #cutOff}. */
    void restore(Backend backend);

    /**
     * Stops {@code backend} like a kill -9 of its process: no release, no further traffic, no
     * listener calls. For lease stores the lease stays in the store until it expires.
     */
    void crash(Backend backend);

    /** The longest the suite should wait, after a leader crashed, for another to lead. */
    Duration failoverBound();

    /** The longest the suite should wait, after a resign, for another to lead. */
    default Duration handoverBound() {
        return Duration.ofSeconds(2);
    }

    @Override
    void close();
}
