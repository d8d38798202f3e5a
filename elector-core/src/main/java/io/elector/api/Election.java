package io.elector.api;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * This process's candidacy in one election. Obtained from {@link Elector#join}; thread-safe.
 *
 * <p>All methods return at once except {@link #awaitLeadership(Duration)}; state changes happen on
 * the election's own loop and are reported to listeners on the callback executor.
 */
public interface Election extends AutoCloseable {

    /** The election name. */
    String name();

    /** This candidate's id. */
    String candidateId();

    /** The current leadership, if this candidate holds a valid one now. */
    Optional<Leadership> leadership();

    /** True if this candidate holds a valid leadership now. */
    default boolean isLeader() {
        return leadership().isPresent();
    }

    /**
     * Waits until this candidate leads or the timeout passes.
     *
     * @return the leadership, or empty on timeout
     * @throws InterruptedException if the calling thread is interrupted
     */
    Optional<Leadership> awaitLeadership(Duration timeout) throws InterruptedException;

    /**
     * Adds a listener. If this candidate leads when the listener is added, the listener first
     * receives {@code elected} for the current leadership, so that its calls always start with
     * {@code elected} and match the history.
     */
    Registration addListener(LeadershipListener listener);

    /** The leader as last seen by this process (any candidate, this one included). May be stale. */
    Optional<LeaderInfo> leader();

    /**
     * Watches the leader of this election. The consumer gets the current value at once, then each
     * change. Watches may coalesce: a leader that held office briefly between two observations can
     * be missed; only the latest value is guaranteed to be delivered. Candidates' own {@link
     * LeadershipListener} events never coalesce.
     */
    Registration watchLeader(Consumer<Optional<LeaderInfo>> consumer);

    /**
     * Runs {@code task} each time this candidate becomes leader, on its own thread, and interrupts
     * it when the leadership ends. One run per leadership; a run that returns early is not
     * restarted until the next leadership.
     */
    Registration runWhileLeader(LeaderTask task);

    /**
     * Runs {@code task} on {@code schedule} while this candidate leads. Runs never overlap; a run
     * in progress when leadership ends is interrupted; a leadership never starts a run after its
     * deadline.
     */
    Registration scheduleWhileLeader(Schedule schedule, LeaderTask task);

    /**
     * Stops leading now and lets another candidate take over at once (the backend releases the
     * lease or hands over). The local step-down happens before the release. This candidate stays in
     * the election and may be elected again later. Does nothing if not leader.
     *
     * @return completes when the local step-down is done
     */
    CompletionStage<Void> resign();

    /** Leaves the election, resigning first if leader. Idempotent. */
    @Override
    void close();
}
