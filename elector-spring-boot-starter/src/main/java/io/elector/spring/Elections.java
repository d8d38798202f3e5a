package io.elector.spring;

import io.elector.api.Election;
import io.elector.api.ElectionObserver;
import io.elector.api.ElectionSettings;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.api.Names;
import io.elector.api.Registration;
import io.elector.api.Revocation;
import io.elector.core.Elector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;

/**
 * This instance's elections, by name: the bean to inject to ask "do I lead X?", to observe any
 * election or to resign one.
 *
 * <p>Elections are joined when the application context starts ({@link ElectorLifecycle}): those
 * named by {@link LeaderOnly} methods, those configured under {@code elector.elections}, and those
 * asked for with {@link #election(String)} before the start. After the start, {@link
 * #election(String)} joins a new name at once. A graceful shutdown interrupts running {@link
 * LeaderOnly} calls, waits for them (bounded by {@code elector.shutdown-timeout}) and then resigns
 * every election, so another instance takes over at once.
 *
 * <p>Thread-safe. Leadership changes are published as {@link LeadershipGrantedEvent} and {@link
 * LeadershipRevokedEvent}, in order per election.
 */
public final class Elections {
    private static final Logger log = LoggerFactory.getLogger(Elections.class);

    private enum State {
        NEW,
        RUNNING,
        STOPPING,
        STOPPED
    }

    private final Elector elector;
    private final Function<String, ElectionSettings> settings;
    private final ApplicationEventPublisher publisher;
    private final List<ElectionCustomizer> customizers;
    private final BackendActivity activity;
    private final Set<String> wanted = Collections.synchronizedSet(new LinkedHashSet<>());
    private final Map<String, Joined> joined = new ConcurrentHashMap<>();
    private final List<ElectionObserver> observers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile State state = State.NEW;

    /** Longest wait for the store to see the releases at shutdown. */
    private static final Duration RELEASE_WAIT = Duration.ofSeconds(3);

    private record Joined(Election election, LeaderCalls calls, List<Registration> registrations) {}

    /**
     * Created by the auto-configuration.
     *
     * @param elector the elector to join with
     * @param settings the settings of each election name (validated)
     * @param publisher where leadership events go
     * @param customizers called once per joined election
     * @param activity the lease store's calls, to wait for releases on shutdown
     */
    public Elections(
            Elector elector,
            Function<String, ElectionSettings> settings,
            ApplicationEventPublisher publisher,
            List<ElectionCustomizer> customizers,
            BackendActivity activity) {
        this.activity = activity;
        this.elector = elector;
        this.settings = settings;
        this.publisher = publisher;
        this.customizers = List.copyOf(customizers);
    }

    /** This instance's candidate id. */
    public String candidateId() {
        return elector.candidateId();
    }

    /** The backend kind ({@code memory}, {@code postgresql}, {@code raft}...). */
    public String backendKind() {
        return elector.backendKind();
    }

    /** The elector behind these elections. */
    public Elector elector() {
        return elector;
    }

    /** Every election name known: joined, or to be joined at start. Sorted. */
    public Set<String> names() {
        Set<String> all = new TreeSet<>(joined.keySet());
        synchronized (wanted) {
            all.addAll(wanted);
        }
        return all;
    }

    /**
     * The election {@code name}, joining it now if it was not joined yet.
     *
     * @throws IllegalStateException before the context started (the name is then recorded and
     *     joined at the start) or after it stopped
     * @throws io.elector.api.InvalidSettingException if the name is not a valid election name
     */
    public Election election(String name) {
        Names.election(name);
        if (state == State.NEW) {
            wanted.add(name);
            throw new IllegalStateException(
                    "elections are joined when the application context starts; '" + name + "' will be joined then");
        }
        if (state != State.RUNNING) {
            throw new IllegalStateException("elections are stopped (the context is closing): " + name);
        }
        return join(name).election();
    }

    /** The election {@code name} if it is joined now. */
    public Optional<Election> find(String name) {
        Joined j = joined.get(name);
        return j == null ? Optional.empty() : Optional.of(j.election());
    }

    /** This instance's valid leadership of {@code name}, if it holds one now. */
    public Optional<Leadership> leadership(String name) {
        if (state != State.RUNNING) {
            return Optional.empty();
        }
        Joined j = joined.get(name);
        return j == null ? Optional.empty() : j.election().leadership();
    }

    /** True if this instance holds a valid leadership of {@code name} now. */
    public boolean isLeader(String name) {
        return leadership(name).isPresent();
    }

    /**
     * Watches {@code name} without being a candidate. Closed with the context, or earlier by the
     * caller.
     */
    public ElectionObserver observe(String name) {
        ElectionObserver o = elector.observe(name);
        observers.add(o);
        return o;
    }

    /**
     * Resigns {@code name} if this instance leads it: another candidate takes over at once. This
     * instance stays a candidate and may lead again later.
     *
     * @return completes when the local step-down is done; at once if not leader or not joined
     */
    public CompletionStage<Void> resign(String name) {
        Joined j = joined.get(name);
        return j == null
                ? CompletableFuture.completedFuture(null)
                : j.election().resign();
    }

    /** Records {@code name} to join at the start (or joins it now if running). */
    void register(String name) {
        Names.election(name);
        wanted.add(name);
        if (state == State.RUNNING) {
            join(name);
        }
    }

    /** The running-call registry of a joined election, or null if not joined or not running. */
    LeaderCalls calls(String name) {
        Joined j = joined.get(name);
        return state == State.RUNNING && j != null ? j.calls() : null;
    }

    boolean isRunning() {
        return state == State.RUNNING;
    }

    /** Joins every wanted election. Never blocks: joining is asynchronous in the core. */
    synchronized void start() {
        if (state == State.RUNNING) {
            return;
        }
        state = State.RUNNING;
        List<String> names;
        synchronized (wanted) {
            names = new ArrayList<>(wanted);
        }
        for (String name : names) {
            join(name);
        }
        log.info("elector: candidate {} joined {} on {}", candidateId(), names, backendKind());
    }

    private Joined join(String name) {
        return joined.computeIfAbsent(name, n -> {
            Election e = elector.join(n, settings.apply(n));
            LeaderCalls calls = new LeaderCalls();
            List<Registration> regs = new ArrayList<>();
            regs.add(e.addListener(new EventPublisher(calls)));
            for (ElectionCustomizer c : customizers) {
                regs.add(c.customize(e));
            }
            return new Joined(e, calls, regs);
        });
    }

    /**
     * Graceful stop: running {@link LeaderOnly} calls are interrupted and awaited (at most {@code
     * timeout}), then every election is resigned and left, so another instance takes over at once.
     */
    synchronized void stop(Duration timeout) {
        if (state != State.RUNNING) {
            return;
        }
        state = State.STOPPING;
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Joined j : joined.values()) {
            j.calls().interruptAll();
        }
        awaitCalls(deadline);
        List<CompletableFuture<Void>> resigned = new ArrayList<>();
        long led = joined.values().stream().filter(j -> j.election().isLeader()).count();
        long releasesBefore = activity.releasesEnded();
        for (Joined j : joined.values()) {
            resigned.add(j.election().resign().toCompletableFuture());
        }
        try {
            // Bounded: the step-down is local and quick; the deadline covers a stuck listener.
            CompletableFuture.allOf(resigned.toArray(CompletableFuture[]::new))
                    .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("elector: resigning did not finish within elector.shutdown-timeout ({})", timeout);
        }
        for (Joined j : joined.values()) {
            for (Registration r : j.registrations()) {
                r.close();
            }
            j.election().close();
        }
        joined.clear();
        // A release not attempted (the lease was lost meanwhile) must not hold the shutdown long.
        long releaseDeadline = System.nanoTime() + RELEASE_WAIT.toNanos();
        awaitReleases(releasesBefore + led, deadline - releaseDeadline < 0 ? deadline : releaseDeadline);
        state = State.STOPPED;
        log.info("elector: candidate {} left its elections", candidateId());
    }

    /** Restart after a stop (a context refreshed again): joins the wanted elections anew. */
    synchronized void restart() {
        if (state == State.STOPPED) {
            state = State.NEW;
        }
        start();
    }

    private void awaitCalls(long deadline) {
        // Bounded by the deadline; calls only need to notice their interrupt.
        while (joined.values().stream().anyMatch(j -> !j.calls().isEmpty()) && deadline - System.nanoTime() > 0) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (joined.values().stream().anyMatch(j -> !j.calls().isEmpty())) {
            log.warn("elector: @LeaderOnly calls still running after elector.shutdown-timeout; resigning anyway");
        }
    }

    /**
     * The core hands a lease back on its I/O thread after the step-down; closing the backend before
     * that runs would leave the lease to expire instead of handing over at once. So wait (bounded)
     * until the store has seen one release per election this instance led. Lease stores only.
     */
    private void awaitReleases(long target, long deadline) {
        if (!activity.observed()) {
            return;
        }
        while (activity.releasesEnded() < target && deadline - System.nanoTime() > 0) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Closes observers; called when the context is destroyed. */
    void closeObservers() {
        for (ElectionObserver o : observers) {
            o.close();
        }
        observers.clear();
    }

    /** Interrupts calls on loss, then publishes the event. Runs on the election's callback lane, in order. */
    private final class EventPublisher implements LeadershipListener {
        private final LeaderCalls calls;

        EventPublisher(LeaderCalls calls) {
            this.calls = calls;
        }

        @Override
        public void elected(Leadership leadership) {
            publisher.publishEvent(new LeadershipGrantedEvent(Elections.this, leadership));
        }

        @Override
        public void revoked(Leadership leadership, Revocation revocation) {
            calls.revoked(leadership.fencingToken());
            publisher.publishEvent(new LeadershipRevokedEvent(Elections.this, leadership, revocation));
        }
    }
}
