package io.elector.core;

import io.elector.api.Election;
import io.elector.api.LeaderInfo;
import io.elector.api.LeaderTask;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.api.Registration;
import io.elector.api.Revocation;
import io.elector.api.RevocationReason;
import io.elector.api.Schedule;
import io.elector.spi.Backend;
import io.elector.spi.CandidateEvents;
import io.elector.spi.CandidateSession;
import io.elector.spi.JoinRequest;
import io.elector.time.Cancellable;
import io.elector.time.ElectorRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine of one candidate in one election.
 *
 * <p><b>Threads.</b> Every state change runs on {@link #loop}, a serial lane: backend events,
 * deadline timers and user commands (resign, close, add listener) are enqueued there. Nothing in
 * the loop blocks or runs user code; listeners, watchers and the {@code lost()} future run on the
 * callback lane, in order; leader work runs on its own threads. Readers get the volatile snapshot
 * {@link #published}.
 *
 * <p><b>Time.</b> The deadline comes from the backend, already conservative; this class only
 * enforces it: a timer at the deadline revokes with {@link RevocationReason#EXPIRED}, and {@link
 * LeadershipState#isValid()} compares with the clock on every call, so the step-down holds even if
 * the timer is late.
 *
 * <p><b>Failure.</b> Backend trouble arrives as the absence of {@code renewed} (then the deadline
 * passes) or as {@code lost}; both revoke exactly once. Tokens that do not increase and elections
 * whose deadline has already passed are refused (never reported as elected).
 */
final class CandidateLoop implements Election, CandidateEvents {
    private static final Logger log = LoggerFactory.getLogger(CandidateLoop.class);

    private final JoinRequest request;
    private final ElectorRuntime runtime;
    private final SerialExecutor loop;
    private final SerialExecutor callbacks;
    private final Object monitor = new Object();

    // Loop-confined state.
    private CandidateSession session;
    private volatile LeadershipState current; // written on the loop; read by the renewal fast path
    private DeadlineWatch deadlineTimer;
    private long lastToken;
    private boolean hasToken;
    private boolean closed;
    private final List<ListenerSlot> listeners = new ArrayList<>();
    private final List<LeaderWork> work = new ArrayList<>();

    // Snapshots for readers.
    private volatile LeadershipState published;
    private volatile LeaderInfo observed;
    private final List<Consumer<Optional<LeaderInfo>>> watchers = new CopyOnWriteArrayList<>();
    private final CountDownLatch closedLatch = new CountDownLatch(1);

    CandidateLoop(JoinRequest request) {
        this.request = request;
        this.runtime = request.runtime();
        String lane = request.election() + "/" + request.candidateId();
        this.loop = SerialExecutor.paused(runtime.loopExecutor(), "loop " + lane);
        this.callbacks = new SerialExecutor(runtime.callbackExecutor(), "callbacks " + lane);
    }

    /**
     * Joins the backend. The loop is paused until the session exists, so events the backend sends
     * during {@code join} queue up and run after it.
     */
    void start(Backend backend) {
        session = backend.join(request, this);
        loop.resume();
    }

    // ---- CandidateEvents: enqueue only ----

    @Override
    public void elected(long token, long deadlineNanos) {
        loop.execute(() -> onElected(token, deadlineNanos));
    }

    @Override
    public void renewed(long token, long deadlineNanos) {
        // Fast path, on the caller's thread: a renewal of the current, still valid leadership only
        // moves its deadline (a backend renewing many elections every few tens of milliseconds
        // would otherwise cost a loop task each). Anything else goes through the loop.
        LeadershipState l = current;
        if (l != null && l.fencingToken() == token && l.tryExtend(deadlineNanos)) {
            return;
        }
        loop.execute(() -> onRenewed(token, deadlineNanos));
    }

    @Override
    public void lost(long token, String cause) {
        loop.execute(() -> onLost(token, cause));
    }

    @Override
    public void leaderObserved(LeaderInfo leader) {
        loop.execute(() -> onObserved(leader));
    }

    // ---- loop handlers ----

    private void onElected(long token, long deadline) {
        if (closed) {
            return;
        }
        long now = runtime.time().monotonicNanos();
        if (current != null) {
            if (current.fencingToken() == token) {
                onRenewed(token, deadline);
                return;
            }
            revoke(RevocationReason.LOST, now);
        }
        if (hasToken && token <= lastToken) {
            log.error(
                    "{}: backend reported token {} after token {}; refusing it (tokens must increase)",
                    this,
                    token,
                    lastToken);
            session.expired(token);
            return;
        }
        if (deadline - now <= 0) {
            // The grant arrived after its own deadline (a paused process, a slow store): never act on it.
            log.info("{}: leadership with token {} arrived already expired; not taking it", this, token);
            session.expired(token);
            return;
        }
        hasToken = true;
        lastToken = token;
        LeadershipState l = new LeadershipState(
                request.election(), request.candidateId(), token, request.metadata(), runtime.time(), now, deadline);
        current = l;
        // Observed before published: a reader that sees isLeader() also sees itself as the leader.
        onObserved(new LeaderInfo(
                request.election(),
                request.candidateId(),
                token,
                request.metadata(),
                runtime.time().wallTime()));
        published = l;
        armDeadline(l);
        log.info("{}: elected with token {}", this, token);
        for (ListenerSlot s : listeners) {
            s.elected(l);
        }
        for (LeaderWork w : work) {
            w.start(l);
        }
        signal();
    }

    private void onRenewed(long token, long deadline) {
        LeadershipState l = current;
        if (closed || l == null || l.fencingToken() != token) {
            return;
        }
        long now = runtime.time().monotonicNanos();
        if (l.deadlineNanos() - now <= 0) {
            // The old deadline passed before this renewal was processed: validity already ended.
            expire(l, now);
            return;
        }
        if (deadline - l.deadlineNanos() > 0) {
            l.extendTo(deadline);
        }
    }

    private void onDeadline(LeadershipState l) {
        if (current != l) {
            return;
        }
        long now = runtime.time().monotonicNanos();
        if (l.deadlineNanos() - now <= 0) {
            expire(l, now);
        } else {
            armDeadline(l);
        }
    }

    private void expire(LeadershipState l, long now) {
        log.warn("{}: leadership with token {} expired (no renewal before the deadline)", this, l.fencingToken());
        revoke(RevocationReason.EXPIRED, now);
        session.expired(l.fencingToken());
    }

    private void onLost(long token, String cause) {
        if (current != null && current.fencingToken() == token) {
            log.warn("{}: leadership with token {} lost: {}", this, token, cause);
            revoke(RevocationReason.LOST, runtime.time().monotonicNanos());
        }
    }

    private void onObserved(LeaderInfo leader) {
        if (current != null && leader != null && leader.fencingToken() > current.fencingToken()) {
            log.warn(
                    "{}: a newer leadership exists (token {} > {}); stepping down",
                    this,
                    leader.fencingToken(),
                    current.fencingToken());
            revoke(RevocationReason.LOST, runtime.time().monotonicNanos());
        }
        if (Objects.equals(leader, observed) || sameLeadership(leader, observed)) {
            return;
        }
        observed = leader;
        Optional<LeaderInfo> value = Optional.ofNullable(leader);
        for (Consumer<Optional<LeaderInfo>> w : watchers) {
            callbacks.execute(() -> w.accept(value));
        }
    }

    private static boolean sameLeadership(LeaderInfo a, LeaderInfo b) {
        return a != null
                && b != null
                && a.fencingToken() == b.fencingToken()
                && a.candidateId().equals(b.candidateId());
    }

    private void armDeadline(LeadershipState l) {
        if (deadlineTimer != null) {
            deadlineTimer.cancel();
        }
        deadlineTimer = new DeadlineWatch(l);
        deadlineTimer.arm();
    }

    /**
     * The timer of one leadership's deadline. When it fires and renewals have moved the deadline,
     * it re-arms itself on the timer thread; only a deadline that has really passed costs a loop
     * task ({@link #onDeadline} checks again there).
     */
    private final class DeadlineWatch implements Runnable {
        private final LeadershipState l;
        private Cancellable timer; // guarded by this
        private boolean cancelled; // guarded by this

        DeadlineWatch(LeadershipState l) {
            this.l = l;
        }

        synchronized void arm() {
            if (!cancelled) {
                timer = runtime.schedule(
                        this, l.deadlineNanos() - runtime.time().monotonicNanos());
            }
        }

        @Override
        public void run() {
            synchronized (this) {
                if (cancelled) {
                    return;
                }
            }
            if (l.revocation() == null && l.deadlineNanos() - runtime.time().monotonicNanos() > 0) {
                arm();
            } else {
                loop.execute(() -> onDeadline(l));
            }
        }

        synchronized void cancel() {
            cancelled = true;
            if (timer != null) {
                timer.cancel();
            }
        }
    }

    /**
     * Ends the current leadership: invalid at once, work interrupted, listeners told.
     *
     * @return completes when every leader-only run has left its task and every listener's
     *     {@code revoked} has returned
     */
    private CompletableFuture<Void> revoke(RevocationReason reason, long now) {
        LeadershipState l = current;
        if (l == null) {
            return CompletableFuture.completedFuture(null);
        }
        Revocation r = l.revoke(reason, now, callbacks);
        current = null;
        published = null;
        if (deadlineTimer != null) {
            deadlineTimer.cancel();
            deadlineTimer = null;
        }
        List<CompletableFuture<Void>> stopped = new ArrayList<>();
        for (LeaderWork w : work) {
            stopped.add(w.stop());
        }
        for (ListenerSlot s : listeners) {
            s.revoked(l, r);
        }
        // The callback lane is serial: this runs once every revoked() queued above has returned.
        CompletableFuture<Void> told = new CompletableFuture<>();
        callbacks.execute(() -> told.complete(null));
        stopped.add(told);
        log.info("{}: stepped down from token {} ({})", this, l.fencingToken(), reason);
        signal();
        return CompletableFuture.allOf(stopped.toArray(new CompletableFuture<?>[0]));
    }

    /**
     * Hands the lease back once leader-only work has stopped and listeners have heard {@code
     * revoked}, so that the next leader's work never overlaps ours; at the latest at our deadline,
     * after which the lease is not ours to hold anyway.
     */
    private void handBackWhenWorkStopped(LeadershipState l, CompletableFuture<Void> workStopped, Runnable handBack) {
        AtomicBoolean once = new AtomicBoolean();
        Runnable go = () -> loop.execute(() -> {
            if (once.compareAndSet(false, true)) {
                handBack.run();
            }
        });
        if (workStopped.isDone()) {
            go.run();
            return;
        }
        Cancellable t = runtime.schedule(go, l.deadlineNanos() - runtime.time().monotonicNanos());
        workStopped.whenComplete((v, e) -> {
            t.cancel();
            go.run();
        });
    }

    private void signal() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    // ---- Election API ----

    @Override
    public String name() {
        return request.election();
    }

    @Override
    public String candidateId() {
        return request.candidateId();
    }

    @Override
    public Optional<Leadership> leadership() {
        LeadershipState l = published;
        return l != null && l.isValid() ? Optional.of(l) : Optional.empty();
    }

    @Override
    public Optional<Leadership> awaitLeadership(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (true) {
                Optional<Leadership> l = leadership();
                if (l.isPresent() || closedLatch.getCount() == 0) {
                    return l;
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                // Bounded wait: also wakes up to re-check validity against the clock.
                TimeUnit.NANOSECONDS.timedWait(monitor, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
        }
    }

    @Override
    public Registration addListener(LeadershipListener listener) {
        Objects.requireNonNull(listener, "listener");
        ListenerSlot slot = new ListenerSlot(listener);
        loop.execute(() -> {
            if (closed) {
                return;
            }
            listeners.add(slot);
            if (current != null) {
                slot.elected(current);
            }
        });
        return () -> loop.execute(() -> listeners.remove(slot));
    }

    @Override
    public Optional<LeaderInfo> leader() {
        return Optional.ofNullable(observed);
    }

    @Override
    public Registration watchLeader(Consumer<Optional<LeaderInfo>> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        loop.execute(() -> {
            watchers.add(consumer);
            Optional<LeaderInfo> now = Optional.ofNullable(observed);
            callbacks.execute(() -> consumer.accept(now));
        });
        return () -> watchers.remove(consumer);
    }

    @Override
    public Registration runWhileLeader(LeaderTask task) {
        return addWork(new LeaderWork(Objects.requireNonNull(task, "task"), null, runtime));
    }

    @Override
    public Registration scheduleWhileLeader(Schedule schedule, LeaderTask task) {
        Objects.requireNonNull(schedule, "schedule");
        return addWork(new LeaderWork(Objects.requireNonNull(task, "task"), schedule, runtime));
    }

    private Registration addWork(LeaderWork w) {
        loop.execute(() -> {
            if (closed) {
                return;
            }
            work.add(w);
            if (current != null && current.isValid()) {
                w.start(current);
            }
        });
        return () -> loop.execute(() -> {
            work.remove(w);
            w.stop();
        });
    }

    @Override
    public CompletionStage<Void> resign() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            if (current != null && !closed) {
                LeadershipState l = current;
                CompletableFuture<Void> stopped =
                        revoke(RevocationReason.RESIGNED, runtime.time().monotonicNanos());
                handBackWhenWorkStopped(l, stopped, () -> session.resign(l.fencingToken()));
            }
            callbacks.execute(() -> done.complete(null));
        });
        return done.minimalCompletionStage();
    }

    @Override
    public void close() {
        loop.execute(() -> {
            if (closed) {
                return;
            }
            closed = true;
            LeadershipState l = current;
            CompletableFuture<Void> stopped =
                    revoke(RevocationReason.CLOSED, runtime.time().monotonicNanos());
            for (LeaderWork w : work) {
                w.stop();
            }
            work.clear();
            Runnable leave = () -> {
                if (session != null) {
                    session.close();
                }
                closedLatch.countDown();
                signal();
            };
            if (l == null) {
                leave.run();
            } else {
                handBackWhenWorkStopped(l, stopped, leave);
            }
        });
        // Not from a listener: the hand-back waits for the callback lane, which that thread holds.
        if (!loop.inLane() && !callbacks.inLane() && runtime.allowsBlockingWaits()) {
            try {
                // Bounded: leader work gets until the lease deadline to stop, never longer.
                long waitMs = request.settings().leaseDuration().toMillis() + 1_000;
                closedLatch.await(waitMs, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "election '" + request.election() + "' candidate '" + request.candidateId() + "'";
    }

    /** A listener with its own alternation state, driven from the loop, delivered on the callback lane. */
    private final class ListenerSlot {
        private final LeadershipListener listener;
        private Leadership delivered;

        ListenerSlot(LeadershipListener listener) {
            this.listener = listener;
        }

        void elected(Leadership l) {
            if (delivered != null) {
                return;
            }
            delivered = l;
            callbacks.execute(() -> {
                try {
                    listener.elected(l);
                } catch (RuntimeException e) {
                    log.warn("{}: listener {} threw in elected", CandidateLoop.this, listener, e);
                }
            });
        }

        void revoked(Leadership l, Revocation r) {
            if (delivered != l) {
                return;
            }
            delivered = null;
            callbacks.execute(() -> {
                try {
                    listener.revoked(l, r);
                } catch (RuntimeException e) {
                    log.warn("{}: listener {} threw in revoked", CandidateLoop.this, listener, e);
                }
            });
        }
    }
}
