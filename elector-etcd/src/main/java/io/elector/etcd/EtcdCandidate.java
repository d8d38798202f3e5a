package io.elector.etcd;

import io.elector.api.LeaderInfo;
import io.elector.spi.CandidateEvents;
import io.elector.spi.CandidateSession;
import io.elector.spi.JoinRequest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One candidate's key and its place in the queue. Every method except the {@link
 * CandidateSession} ones and {@link #renewedByKeepAlive} runs on the backend's lane.
 */
final class EtcdCandidate implements CandidateSession {
    private static final Logger log = LoggerFactory.getLogger(EtcdCandidate.class);

    private final EtcdBackend backend;
    private final JoinRequest request;
    private final CandidateEvents events;
    private final ByteSequence prefix;

    /** Our key in the queue, null when we have none. */
    private ByteSequence key;
    /** Its create revision: the fencing token when we lead. */
    private long createRevision;
    /** The lease our key is bound to. */
    private long leaseId;
    /** A key whose put got no answer: it may exist, so the next attempt reuses its name. */
    private ByteSequence pendingKey;

    private long pendingLease;
    /** Keys we gave up but could not delete yet (a failed delete): retried before each put. */
    private final List<Stale> stale = new ArrayList<>();

    private record Stale(ByteSequence key, long leaseId) {}

    private boolean leading;
    /** The token while leading, else 0: read by the lease thread. */
    private volatile long leaderToken;
    /** The lease we lead with: read by the lease thread. */
    private volatile long leaderLease;

    private boolean closed;
    /** Bumped for every new key or watch, so callbacks for older ones are ignored. */
    private long generation;

    private Watch.Watcher watcher;
    private ByteSequence watchedKey;
    private boolean recheckScheduled;

    EtcdCandidate(EtcdBackend backend, JoinRequest request, CandidateEvents events) {
        this.backend = backend;
        this.request = request;
        this.events = events;
        this.prefix = backend.prefix(request.election());
    }

    private long now() {
        return request.runtime().time().monotonicNanos();
    }

    private double drift() {
        return request.settings().clockDriftBound();
    }

    /**
     * This candidate's deadline for lease {@code g}, on its own runtime's clock: the lease's local
     * deadline converted from the lease thread's clock (read ours first, so the result is never
     * later than the true one).
     */
    private long deadline(ProcessLease.Grant g) {
        long ours = now();
        return ours + (g.deadline(drift()) - System.nanoTime());
    }

    private void setLeading(boolean value) {
        leading = value;
        leaderLease = value ? leaseId : 0;
        leaderToken = value ? createRevision : 0;
    }

    // ---- CandidateSession (any thread): enqueue ----

    @Override
    public void resign(long token) {
        backend.onLane(() -> stepAside(token, "resigned"));
    }

    @Override
    public void expired(long token) {
        backend.onLane(() -> stepAside(token, "expired"));
    }

    @Override
    public void close() {
        backend.onLane(this::leave);
    }

    // ---- lease thread ----

    /** A keep-alive of {@code g} succeeded: extend the leadership if we lead with that lease. */
    void renewedByKeepAlive(ProcessLease.Grant g) {
        long token = leaderToken;
        if (token != 0 && leaderLease == g.id()) {
            events.renewed(token, deadline(g));
        }
    }

    // ---- lane ----

    /** Keys this candidate may still own (for the orphan sweep). */
    List<ByteSequence> keysInUse() {
        List<ByteSequence> out = new ArrayList<>();
        if (key != null) {
            out.add(key);
        }
        if (pendingKey != null) {
            out.add(pendingKey);
        }
        for (Stale s : stale) {
            out.add(s.key());
        }
        return out;
    }

    /** Puts a new key bound to the current lease at the end of the queue, then finds our place. */
    void enter() {
        if (closed || key != null) {
            return;
        }
        ProcessLease.Grant g = backend.currentLease();
        if (g == null) {
            return; // leaseGranted() calls again
        }
        deleteStale();
        ByteSequence name =
                pendingKey != null && pendingLease == g.id() ? pendingKey : backend.newKey(request.election(), g);
        pendingKey = name;
        pendingLease = g.id();
        byte[] value = CandidateValue.encode(
                request.candidateId(),
                request.metadata(),
                request.runtime().time().wallTime());
        try {
            // Idempotent: a retry after a lost answer finds the key it created and keeps it.
            TxnResponse r = backend.kv()
                    .txn()
                    .If(new Cmp(name, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                    .Then(Op.put(
                            name,
                            ByteSequence.from(value),
                            PutOption.builder().withLeaseId(g.id()).build()))
                    .Else(Op.get(name, GetOption.DEFAULT))
                    .commit()
                    .get(backend.timeoutMillis(), TimeUnit.MILLISECONDS);
            long rev;
            if (r.isSucceeded()) {
                rev = r.getHeader().getRevision();
            } else {
                List<KeyValue> kvs = r.getGetResponses().get(0).getKvs();
                if (kvs.isEmpty()) {
                    backend.onLaneLater(this::retryEnter, backend.retryMillis());
                    return;
                }
                rev = kvs.get(0).getCreateRevision();
            }
            pendingKey = null;
            key = name;
            leaseId = g.id();
            createRevision = rev;
            generation++;
            log.debug("{}: key {} at revision {}", this, str(name), rev);
            check();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            log.debug("{}: could not put a key yet: {}", this, cause.toString());
            if (ProcessLease.notFound(cause)) {
                pendingKey = null;
                backend.keepAliveNow();
            }
            backend.onLaneLater(this::retryEnter, backend.retryMillis());
        }
    }

    private void retryEnter() {
        if (!closed && key == null) {
            enter();
        }
    }

    /** Finds our place: lead if no key of the election has a lower create revision, else watch the predecessor. */
    void check() {
        if (closed || key == null) {
            return;
        }
        TxnResponse r;
        try {
            r = backend.kv()
                    .txn()
                    .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(createRevision)))
                    .Then(
                            Op.get(
                                    prefix,
                                    GetOption.builder()
                                            .isPrefix(true)
                                            .withMaxCreateRevision(createRevision - 1)
                                            .withSortField(GetOption.SortTarget.CREATE)
                                            .withSortOrder(GetOption.SortOrder.DESCEND)
                                            .withLimit(1)
                                            .build()),
                            Op.get(
                                    prefix,
                                    GetOption.builder()
                                            .isPrefix(true)
                                            .withSortField(GetOption.SortTarget.CREATE)
                                            .withSortOrder(GetOption.SortOrder.ASCEND)
                                            .withLimit(1)
                                            .build()))
                    .commit()
                    .get(backend.timeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException | TimeoutException e) {
            log.debug("{}: check failed: {}", this, e.toString());
            scheduleRecheck();
            return;
        }
        if (!r.isSucceeded()) {
            keyGone("our key is gone (its lease expired or it was deleted)");
            return;
        }
        long revision = r.getHeader().getRevision();
        List<KeyValue> predecessor = r.getGetResponses().get(0).getKvs();
        List<KeyValue> lowest = r.getGetResponses().get(1).getKvs();
        if (predecessor.isEmpty()) {
            lead(revision);
            return;
        }
        if (leading) {
            // A lower key cannot appear after ours (revisions only grow); if one did, we do not lead.
            setLeading(false);
            events.lost(createRevision, "a key with a lower create revision exists");
        }
        if (!lowest.isEmpty()) {
            KeyValue l = lowest.get(0);
            CandidateValue.decode(request.election(), l.getValue().getBytes(), l.getCreateRevision())
                    .ifPresent(events::leaderObserved);
        }
        // From the revision of our read on: a deletion in between is delivered, never missed.
        watch(predecessor.get(0).getKey(), revision + 1);
    }

    private void lead(long revision) {
        ProcessLease.Grant g = backend.currentLease();
        if (g == null || g.id() != leaseId) {
            // Our key's lease is being replaced: leaseLost/leaseGranted take it from here.
            return;
        }
        long deadline = deadline(g);
        if (deadline - now() <= 0) {
            // The lease is about to be given up locally: never lead on it.
            scheduleRecheck();
            return;
        }
        // Watch our own key: its deletion by anyone ends the leadership at once.
        watch(key, revision + 1);
        if (!leading) {
            setLeading(true);
            events.leaderObserved(new LeaderInfo(
                    request.election(),
                    request.candidateId(),
                    createRevision,
                    request.metadata(),
                    request.runtime().time().wallTime()));
            events.elected(createRevision, deadline);
            // A fresh keep-alive renews the new leadership to nearly a whole TTL at once.
            backend.keepAliveNow();
        }
    }

    private void watch(ByteSequence target, long fromRevision) {
        if (watcher != null && target.equals(watchedKey)) {
            return; // the same watch is still on (it resumes from its last revision after errors)
        }
        stopWatch();
        long gen = ++generation;
        watchedKey = target;
        watcher = backend.watch()
                .watch(
                        target,
                        WatchOption.builder()
                                .withRevision(fromRevision)
                                .withNoPut(true)
                                .build(),
                        Watch.listener(r -> onWatchEvent(gen, r), t -> onWatchError(gen, t)));
    }

    private void stopWatch() {
        Watch.Watcher w = watcher;
        watcher = null;
        watchedKey = null;
        generation++;
        if (w != null) {
            w.close();
        }
    }

    /** jetcd's thread: hand the event to the lane. */
    private void onWatchEvent(long gen, WatchResponse response) {
        boolean deleted = false;
        for (WatchEvent e : response.getEvents()) {
            if (e.getEventType() == WatchEvent.EventType.DELETE) {
                deleted = true;
            }
        }
        if (!deleted) {
            return;
        }
        backend.countWatchEvent();
        backend.onLane(() -> {
            if (closed || gen != generation) {
                return;
            }
            backend.countWakeup();
            watcher = null; // the watched key is gone: the next check sets a new watch
            watchedKey = null;
            check();
        });
    }

    /** jetcd's thread: the watch broke (server down, compaction): re-check soon. */
    private void onWatchError(long gen, Throwable t) {
        log.debug("{}: watch error: {}", this, t.toString());
        backend.onLane(() -> {
            if (!closed && gen == generation) {
                Watch.Watcher w = watcher;
                watcher = null;
                watchedKey = null;
                if (w != null) {
                    w.close();
                }
                scheduleRecheck();
            }
        });
    }

    /** Runs {@link #check()} after the retry delay (at most one pending; check is idempotent). */
    private void scheduleRecheck() {
        if (recheckScheduled) {
            return;
        }
        recheckScheduled = true;
        backend.onLaneLater(
                () -> {
                    recheckScheduled = false;
                    check();
                },
                backend.retryMillis());
    }

    /** The core stepped down (resign or deadline): give up our key and queue again at the end. */
    private void stepAside(long token, String why) {
        if (closed || key == null || token != createRevision) {
            return;
        }
        setLeading(false);
        deleteOwn();
        log.debug("{}: {} token {}, queuing again", this, why, token);
        // Queued after anything already on the lane: a close() right behind a resign() then wins.
        backend.onLane(this::retryEnter);
    }

    private void keyGone(String cause) {
        if (leading) {
            setLeading(false);
            events.lost(createRevision, cause);
        }
        stopWatch();
        key = null;
        backend.keepAliveNow();
        backend.onLaneLater(this::retryEnter, backend.retryMillis());
    }

    void leaseGranted(ProcessLease.Grant g) {
        if (closed) {
            return;
        }
        if (key != null && leaseId != g.id()) {
            // Should not happen (leaseLost comes first), but a key on an old lease cannot lead.
            leaseLost(new ProcessLease.Grant(leaseId, 0, 0), "the lease was replaced");
        }
        if (key == null) {
            enter();
        }
    }

    void leaseLost(ProcessLease.Grant g, String cause) {
        stale.removeIf(s -> s.leaseId() == g.id());
        if (pendingKey != null && pendingLease == g.id()) {
            pendingKey = null;
        }
        if (key == null || leaseId != g.id()) {
            return;
        }
        if (leading) {
            setLeading(false);
            events.lost(createRevision, "etcd lease lost: " + cause);
        }
        stopWatch();
        key = null; // the lease's revocation or expiry removes it
    }

    /** Periodic: a follower re-checks its place; a candidate without a key enters. */
    void sweep() {
        if (closed) {
            return;
        }
        deleteStale();
        if (key == null) {
            enter();
        } else if (watcher == null) {
            check();
        }
    }

    /** Leaves the election: deletes our key (the lease's revocation removes it if this fails). */
    void leave() {
        if (closed) {
            return;
        }
        closed = true;
        setLeading(false);
        deleteOwn();
        if (pendingKey != null) {
            stale.add(new Stale(pendingKey, pendingLease));
            pendingKey = null;
        }
        deleteStale();
        backend.removed(this);
    }

    private void deleteOwn() {
        stopWatch();
        if (key == null) {
            return;
        }
        ByteSequence k = key;
        key = null;
        if (!delete(k)) {
            stale.add(new Stale(k, leaseId));
        }
    }

    private void deleteStale() {
        stale.removeIf(s -> delete(s.key()));
    }

    private boolean delete(ByteSequence k) {
        try {
            backend.kv().delete(k).get(backend.timeoutMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            log.debug("{}: delete of {} deferred: {}", this, str(k), e.toString());
            return false;
        }
    }

    private static String str(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return request.election() + "/" + request.candidateId();
    }
}
