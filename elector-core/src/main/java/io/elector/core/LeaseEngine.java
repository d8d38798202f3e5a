package io.elector.core;

import io.elector.api.ElectionSettings;
import io.elector.api.LeaderInfo;
import io.elector.spi.AcquireResult;
import io.elector.spi.CandidateEvents;
import io.elector.spi.CandidateSession;
import io.elector.spi.HeldLease;
import io.elector.spi.JoinRequest;
import io.elector.spi.LeaseRequest;
import io.elector.spi.LeaseStore;
import io.elector.spi.LeaseStoreException;
import io.elector.spi.ObserveRequest;
import io.elector.spi.ObserverEvents;
import io.elector.spi.ObserverSession;
import io.elector.spi.ReleaseNotice;
import io.elector.time.Cancellable;
import io.elector.time.ElectorRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease engine shared by every lease-style backend of one process.
 *
 * <p><b>Threads.</b> All state lives on one serial lane ({@link #loop}). Store calls run on the
 * runtime's I/O executor, one acquire batch and one renew batch in flight at a time; their results
 * come back to the lane. One timer is armed at the earliest due time of any claim.
 *
 * <p><b>Time.</b> This is the one place lease arithmetic happens. A deadline is counted from the
 * monotonic instant just <em>before</em> the acquire/renew request was sent, plus the ttl shortened
 * by the drift bound: the store counts the ttl from when it received the request, which is later,
 * and a local clock running slow by at most the bound still reaches the deadline before the store's
 * expiry. Renewals are due every renew interval; a failed renewal is retried after the retry
 * interval, with jitter.
 *
 * <p><b>Failure.</b> A store exception is "no answer": nothing changes, the next attempt is
 * scheduled, and a leader that gets no answer reaches its deadline and the core steps it down. A
 * renewal that the store refuses means the lease is gone: {@code lost} at once. Batching: renewals
 * due within half a renew interval are sent together, so all elections of a process settle on one
 * renew call per interval.
 *
 * <p><b>Handoff.</b> A release notice from the store makes waiting claims of that election try at
 * once. A claim that resigned stays out for two retry intervals (its hold-off), so that another
 * candidate takes over; the notice of its own release does not end the hold-off, but a notice
 * that carries a greater token does: another candidate has led since and let go, and staying out
 * would leave the election without a leader. Notices without a token never shorten it.
 */
final class LeaseEngine {
    private static final Logger log = LoggerFactory.getLogger(LeaseEngine.class);
    private static final double JITTER = 0.2;

    private final LeaseStore store;
    private final ElectorRuntime runtime;
    private final SerialExecutor loop;
    private final SplittableRandom random;

    private final List<Claim> claims = new ArrayList<>();
    private final List<Watch> watches = new ArrayList<>();
    private boolean acquireInFlight;
    private boolean renewInFlight;
    private boolean readInFlight;
    private Cancellable timer;
    private long timerDue;
    private boolean closed;
    private boolean failing;
    private AutoCloseable releaseSubscription;
    private final java.util.Set<CompletableFuture<Void>> pendingReleases =
            java.util.concurrent.ConcurrentHashMap.newKeySet();

    LeaseEngine(LeaseStore store, ElectorRuntime runtime, SplittableRandom random) {
        this.store = store;
        this.runtime = runtime;
        this.random = random;
        this.loop = new SerialExecutor(runtime.loopExecutor(), "lease-engine " + store.kind());
    }

    private enum State {
        WAITING,
        HELD
    }

    /** One candidate's claim on one election. Loop-confined. */
    private final class Claim implements CandidateSession {
        final JoinRequest request;
        final CandidateEvents events;
        State state = State.WAITING;
        long token;
        long nextAttempt;
        long nextRenew;
        /**
         * After a resign, no attempt before this. Release notices do not shorten it, except the
         * notice of a later leadership's release (see {@link #onReleaseNotice}).
         */
        long holdOffUntil;

        boolean holdOff;
        /** The token given back by the last resign. */
        long resignedToken;
        /** A release notice came while an acquire was in flight. */
        boolean retryNow;

        boolean closed;

        Claim(JoinRequest request, CandidateEvents events) {
            this.request = request;
            this.events = events;
        }

        ElectionSettings settings() {
            return request.settings();
        }

        @Override
        public void resign(long t) {
            loop.execute(() -> onResign(this, t));
        }

        @Override
        public void expired(long t) {
            loop.execute(() -> onExpired(this, t));
        }

        @Override
        public void close() {
            loop.execute(() -> onClose(this));
        }

        @Override
        public String toString() {
            return request.election() + "/" + request.candidateId();
        }
    }

    /** One observer's poll of one election. Loop-confined. */
    private final class Watch implements ObserverSession {
        final ObserveRequest request;
        final ObserverEvents events;
        long nextPoll;

        Watch(ObserveRequest request, ObserverEvents events) {
            this.request = request;
            this.events = events;
        }

        @Override
        public void close() {
            loop.execute(() -> {
                watches.remove(this);
            });
        }
    }

    // ---- entry points (any thread) ----

    CandidateSession join(JoinRequest request, CandidateEvents events) {
        Claim c = new Claim(request, events);
        loop.execute(() -> {
            subscribeOnce();
            c.nextAttempt = now();
            claims.add(c);
            wake();
        });
        return c;
    }

    ObserverSession observe(ObserveRequest request, ObserverEvents events) {
        Watch w = new Watch(request, events);
        loop.execute(() -> {
            subscribeOnce();
            w.nextPoll = now();
            watches.add(w);
            wake();
        });
        return w;
    }

    /**
     * Stops the engine once every release already asked for (by a resign or a close just before)
     * has reached the store, so that closing a process hands its leases over at once instead of
     * leaving them to expire.
     *
     * @return completes when the pending releases are done
     */
    CompletableFuture<Void> close() {
        CompletableFuture<Void> drained = new CompletableFuture<>();
        loop.execute(() -> {
            closed = true;
            if (timer != null) {
                timer.cancel();
            }
            if (releaseSubscription != null) {
                try {
                    releaseSubscription.close();
                } catch (Exception e) {
                    log.debug("closing release subscription failed", e);
                }
            }
            CompletableFuture.allOf(pendingReleases.toArray(new CompletableFuture<?>[0]))
                    .whenComplete((v, e) -> drained.complete(null));
        });
        return drained;
    }

    // ---- loop ----

    private long now() {
        return runtime.time().monotonicNanos();
    }

    private void subscribeOnce() {
        if (releaseSubscription == null) {
            try {
                releaseSubscription = store.onReleaseNotice(notice -> loop.execute(() -> onReleaseNotice(notice)));
            } catch (RuntimeException e) {
                // Release notices only make handover faster; polling still works without them.
                releaseSubscription = () -> {};
                log.warn("{} store: release notices unavailable, polling only: {}", store.kind(), e.toString());
            }
        }
    }

    private void onReleaseNotice(ReleaseNotice notice) {
        String election = notice.election();
        long now = now();
        for (Claim c : claims) {
            if (c.state == State.WAITING && c.request.election().equals(election)) {
                if (c.holdOff && notice.releasedAfter(c.resignedToken)) {
                    // Another candidate led after our resign and has let go in turn: the hold-off has
                    // done its job, and staying out now would leave the election without a leader.
                    c.holdOff = false;
                }
                // An acquire already in flight may bring back a stale "held" answer: retry after it.
                c.retryNow = true;
                if (c.nextAttempt - now > 0) {
                    c.nextAttempt = c.holdOff && c.holdOffUntil - now > 0 ? c.holdOffUntil : now;
                }
            }
        }
        for (Watch w : watches) {
            if (w.request.election().equals(election)) {
                w.nextPoll = now;
            }
        }
        wake();
    }

    /** Runs what is due and arms the timer for what comes next. */
    private void wake() {
        if (closed) {
            return;
        }
        long now = now();
        if (!acquireInFlight) {
            sendAcquires(now);
        }
        if (!renewInFlight) {
            sendRenewals(now);
        }
        if (!readInFlight) {
            sendReads(now);
        }
        arm(now);
    }

    private void arm(long now) {
        Long due = null;
        for (Claim c : claims) {
            boolean held = c.state == State.HELD;
            if (held ? renewInFlight : acquireInFlight) {
                continue; // its result re-arms the timer
            }
            long t = held ? c.nextRenew : c.nextAttempt;
            if (due == null || t - due < 0) {
                due = t;
            }
        }
        if (!readInFlight) {
            for (Watch w : watches) {
                if (due == null || w.nextPoll - due < 0) {
                    due = w.nextPoll;
                }
            }
        }
        if (due == null) {
            return;
        }
        if (timer != null && timerDue - due <= 0 && timerDue - now >= 0) {
            return;
        }
        if (timer != null) {
            timer.cancel();
        }
        long at = due;
        timerDue = at;
        timer = runtime.schedule(
                () -> loop.execute(() -> {
                    timer = null;
                    wake();
                }),
                at - now);
    }

    private void sendAcquires(long now) {
        List<Claim> batch = new ArrayList<>();
        for (Claim c : claims) {
            if (c.state == State.WAITING
                    && c.nextAttempt - now <= c.settings().retryInterval().toNanos() / 2) {
                batch.add(c);
            }
        }
        if (batch.isEmpty() || batch.stream().noneMatch(c -> c.nextAttempt - now <= 0)) {
            return;
        }
        List<LeaseRequest> requests = new ArrayList<>(batch.size());
        for (Claim c : batch) {
            requests.add(new LeaseRequest(
                    c.request.election(),
                    c.request.candidateId(),
                    c.request.metadata(),
                    c.settings().leaseDuration()));
        }
        acquireInFlight = true;
        runtime.ioExecutor().execute(() -> {
            long sent = now();
            List<AcquireResult> results = null;
            LeaseStoreException error = null;
            try {
                results = store.tryAcquire(requests);
            } catch (LeaseStoreException e) {
                error = e;
            } catch (RuntimeException e) {
                error = new LeaseStoreException("store failed: " + e, e);
            }
            List<AcquireResult> r = results;
            LeaseStoreException err = error;
            loop.execute(() -> onAcquired(batch, sent, r, err));
        });
    }

    private void onAcquired(List<Claim> batch, long sent, List<AcquireResult> results, LeaseStoreException error) {
        acquireInFlight = false;
        long now = now();
        if (error != null) {
            storeFailed("acquire", error);
            for (Claim c : batch) {
                c.nextAttempt = now + jittered(c.settings().retryInterval());
            }
        } else {
            storeAnswered();
            Map<String, AcquireResult> byElection = new HashMap<>();
            for (AcquireResult r : results) {
                byElection.put(r.election(), r);
            }
            boolean inOrder = results.size() == batch.size();
            for (int i = 0; inOrder && i < batch.size(); i++) {
                inOrder = results.get(i).election().equals(batch.get(i).request.election());
            }
            for (int i = 0; i < batch.size(); i++) {
                Claim c = batch.get(i);
                // In request order (as the SPI asks) results match one-to-one, even for two candidates of one election.
                AcquireResult r = inOrder ? results.get(i) : byElection.get(c.request.election());
                if (r == null) {
                    c.nextAttempt = now + jittered(c.settings().retryInterval());
                } else {
                    onAcquireResult(c, r, sent, now);
                }
            }
        }
        wake();
    }

    private void onAcquireResult(Claim c, AcquireResult r, long sent, long now) {
        if (r.acquired()) {
            if (c.closed || c.state != State.WAITING) {
                // Closed while the request was in flight: give the lease back at once.
                release(new HeldLease(
                        c.request.election(),
                        c.request.candidateId(),
                        r.token(),
                        c.settings().leaseDuration()));
                return;
            }
            long deadline = deadline(sent, c.settings());
            c.state = State.HELD;
            c.token = r.token();
            c.nextRenew = sent + c.settings().renewInterval().toNanos();
            if (deadline - now <= 0) {
                log.info("{}: lease with token {} granted after its deadline; the core will refuse it", c, r.token());
            }
            // The core refuses an already-expired deadline and calls expired(); report it regardless.
            c.events.elected(r.token(), deadline);
        } else {
            boolean notified = c.retryNow && !(c.holdOff && c.holdOffUntil - now > 0);
            c.retryNow = false;
            c.nextAttempt = notified ? now : now + jittered(c.settings().retryInterval());
            c.events.leaderObserved(r.holder());
        }
    }

    private void sendRenewals(long now) {
        List<Claim> batch = new ArrayList<>();
        boolean anyDue = false;
        for (Claim c : claims) {
            if (c.state == State.HELD
                    && c.nextRenew - now <= c.settings().renewInterval().toNanos() / 2) {
                batch.add(c);
                anyDue |= c.nextRenew - now <= 0;
            }
        }
        if (!anyDue) {
            return;
        }
        List<HeldLease> leases = new ArrayList<>(batch.size());
        List<Long> tokens = new ArrayList<>(batch.size());
        for (Claim c : batch) {
            leases.add(new HeldLease(
                    c.request.election(),
                    c.request.candidateId(),
                    c.token,
                    c.settings().leaseDuration()));
            tokens.add(c.token);
        }
        renewInFlight = true;
        runtime.ioExecutor().execute(() -> {
            long sent = now();
            Set<String> renewed = null;
            LeaseStoreException error = null;
            try {
                renewed = store.renew(leases);
            } catch (LeaseStoreException e) {
                error = e;
            } catch (RuntimeException e) {
                error = new LeaseStoreException("store failed: " + e, e);
            }
            Set<String> r = renewed;
            LeaseStoreException err = error;
            loop.execute(() -> onRenewed(batch, tokens, sent, r, err));
        });
    }

    private void onRenewed(
            List<Claim> batch, List<Long> tokens, long sent, Set<String> renewed, LeaseStoreException error) {
        renewInFlight = false;
        long now = now();
        if (error != null) {
            storeFailed("renew", error);
        } else {
            storeAnswered();
        }
        for (int i = 0; i < batch.size(); i++) {
            Claim c = batch.get(i);
            long token = tokens.get(i);
            if (c.state != State.HELD || c.token != token) {
                continue;
            }
            if (error != null) {
                c.nextRenew = now + jittered(c.settings().retryInterval());
            } else if (renewed.contains(c.request.election())) {
                c.nextRenew = sent + c.settings().renewInterval().toNanos();
                c.events.renewed(token, deadline(sent, c.settings()));
            } else {
                c.state = State.WAITING;
                c.nextAttempt = now + jittered(c.settings().retryInterval());
                c.events.lost(token, "the store no longer holds the lease for this candidate");
            }
        }
        wake();
    }

    private void sendReads(long now) {
        List<Watch> due = new ArrayList<>();
        for (Watch w : watches) {
            if (w.nextPoll - now <= 0) {
                due.add(w);
            }
        }
        if (due.isEmpty()) {
            return;
        }
        readInFlight = true;
        runtime.ioExecutor().execute(() -> {
            List<Optional<LeaderInfo>> seen = new ArrayList<>();
            LeaseStoreException error = null;
            try {
                for (Watch w : due) {
                    seen.add(store.read(w.request.election()));
                }
            } catch (LeaseStoreException e) {
                error = e;
            } catch (RuntimeException e) {
                error = new LeaseStoreException("store failed: " + e, e);
            }
            LeaseStoreException err = error;
            loop.execute(() -> {
                readInFlight = false;
                long t = now();
                for (int i = 0; i < due.size(); i++) {
                    Watch w = due.get(i);
                    w.nextPoll = t + jittered(w.request.settings().retryInterval());
                    if (err == null) {
                        w.events.leaderObserved(seen.get(i).orElse(null));
                    }
                }
                if (err != null) {
                    storeFailed("read", err);
                }
                wake();
            });
        });
    }

    private void onResign(Claim c, long token) {
        if (c.state == State.HELD && c.token == token) {
            c.state = State.WAITING;
            // Stay out for two retry intervals so that a waiting candidate takes over.
            c.holdOff = true;
            c.resignedToken = token;
            c.holdOffUntil = now() + 2 * c.settings().retryInterval().toNanos();
            c.nextAttempt = c.holdOffUntil;
            release(new HeldLease(
                    c.request.election(),
                    c.request.candidateId(),
                    token,
                    c.settings().leaseDuration()));
        }
        wake();
    }

    private void onExpired(Claim c, long token) {
        if (c.state == State.HELD && c.token == token) {
            c.state = State.WAITING;
            // Not at once: a grant that keeps arriving late (a slow store) must not become a busy loop.
            c.nextAttempt = now() + jittered(c.settings().retryInterval());
        }
        wake();
    }

    private void onClose(Claim c) {
        if (c.closed) {
            return;
        }
        c.closed = true;
        claims.remove(c);
        if (c.state == State.HELD) {
            c.state = State.WAITING;
            release(new HeldLease(
                    c.request.election(),
                    c.request.candidateId(),
                    c.token,
                    c.settings().leaseDuration()));
        }
    }

    private void release(HeldLease lease) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        pendingReleases.add(done);
        done.whenComplete((v, e) -> pendingReleases.remove(done));
        runtime.ioExecutor().execute(() -> {
            try {
                store.release(lease);
            } catch (LeaseStoreException | RuntimeException e) {
                // The lease expires by the store's clock anyway; nothing else to do.
                log.info(
                        "release of {} token {} failed (it will expire): {}",
                        lease.election(),
                        lease.token(),
                        e.toString());
            } finally {
                done.complete(null);
            }
        });
    }

    /** The one lease formula: sent + ttl * (1 - drift bound). */
    static long deadline(long sentNanos, ElectionSettings s) {
        return sentNanos + (long) (s.leaseDuration().toNanos() * (1.0 - s.clockDriftBound()));
    }

    private long jittered(Duration d) {
        long n = d.toNanos();
        return n + (long) (n * JITTER * (2 * random.nextDouble() - 1));
    }

    private void storeFailed(String what, LeaseStoreException e) {
        if (!failing) {
            failing = true;
            log.warn("{} store: {} failed, retrying: {}", store.kind(), what, e.getMessage());
        } else {
            log.debug("{} store: {} failed again: {}", store.kind(), what, e.getMessage());
        }
    }

    private void storeAnswered() {
        if (failing) {
            failing = false;
            log.info("{} store: answering again", store.kind());
        }
    }
}
