package io.elector.raft;

import io.elector.api.ElectorException;
import io.elector.api.LeaderInfo;
import io.elector.core.SerialExecutor;
import io.elector.spi.CandidateEvents;
import io.elector.spi.CandidateSession;
import io.elector.spi.JoinRequest;
import io.elector.spi.ObserveRequest;
import io.elector.spi.ObserverEvents;
import io.elector.spi.ObserverSession;
import io.elector.time.Cancellable;
import io.elector.time.ElectorRuntime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Raft node: every election of the cluster on this process, one event loop.
 *
 * <p><b>Threads.</b> Transport threads hand frames to {@link #onFrame}, which answers observer
 * queries from an immutable snapshot and enqueues everything else on the {@link SerialExecutor}
 * lane. The timer (armed for the earliest due moment, see {@link #arm}) and calls from the core are
 * enqueued the same way. With real threads, a reader thread or the timer thread that finds the lane
 * idle runs the step itself ({@link SerialExecutor#executeHere}) instead of waking a loop thread:
 * a step never blocks (sends are non-blocking writes), so this only saves a hand-off per frame or
 * tick. Only lane tasks touch {@link ElectionGroup}s. After every step {@link #flush} sends the messages it produced,
 * except those about an election whose term or vote changed: they wait until a save (file write
 * and fsync, one at a time on the io executor, batching every election changed meanwhile) has made
 * the change durable. No reply ever depends on state that a crash could forget, and no heartbeat
 * waits behind another election's fsync.
 *
 * <p><b>Time.</b> Everything reads the injected runtime's monotonic clock; heartbeats of all
 * elections this node leads go out together, one frame per peer per heartbeat.
 *
 * <p><b>Failure.</b> Lost, late, duplicated or reordered messages are normal inputs. A state
 * directory that cannot be written drops the messages that depended on the save (the node cannot
 * vote or lead safely without it) and the save is retried.
 */
final class RaftNode {
    private static final Logger log = LoggerFactory.getLogger(RaftNode.class);
    private static final int MESSAGES_PER_FRAME = 512;
    private static final long CLOSE_WAIT_MS = 2_000;

    final int selfId;
    final RaftTiming timing;
    private final List<Integer> peers;
    private final int[] peerIds;
    private final int[] peerIndexById;
    private final int clusterSize;
    private final ElectorRuntime runtime;
    private final Transport transport;
    private final StateStore store;
    private final PreferredLeader policy;
    private final Map<Integer, Integer> priorities;
    private final SplittableRandom random;
    private final SerialExecutor lane;
    private final long tickNanos;
    private final long queryNanos;

    // Loop-confined.
    private final Map<String, ElectionGroup> groups = new HashMap<>();
    private final Map<String, StateStore.Durable> loaded;
    private final Map<String, ElectionGroup> dirty = new LinkedHashMap<>();
    private final List<Outgoing> outbox = new ArrayList<>();
    private final java.util.ArrayDeque<Outgoing> held = new java.util.ArrayDeque<>();
    private final Set<String> saving = new java.util.HashSet<>();
    private boolean saveRunning;
    private final Map<String, Map<Integer, Received>> reports = new HashMap<>();
    private final Map<String, LeaderInfo> observedByQuery = new HashMap<>();
    private long lastHeartbeat;
    private long lastQuery;
    private Cancellable tickTimer;
    private boolean wakeArmed;
    private long wakeAt;
    private boolean stopped;
    private boolean flushQueued;

    // Shared with other threads.
    private final Map<String, LeaderInfo> snapshot = new ConcurrentHashMap<>();
    private final Map<String, List<ObserverEvents>> observers = new ConcurrentHashMap<>();
    private final Set<String> joined = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile boolean halted;

    private record Received(Message.LeaderReport report, long at) {}

    private record Outgoing(int to, Message message) {}

    RaftNode(
            int selfId,
            List<Integer> members,
            RaftTiming timing,
            ElectorRuntime runtime,
            Transport transport,
            StateStore store,
            PreferredLeader policy,
            Map<Integer, Integer> priorities,
            long seed) {
        this.selfId = selfId;
        this.peers = members.stream().filter(id -> id != selfId).sorted().toList();
        this.clusterSize = members.size();
        this.peerIds = peers.stream().mapToInt(Integer::intValue).toArray();
        this.peerIndexById =
                new int[members.stream().mapToInt(Integer::intValue).max().orElse(0) + 1];
        java.util.Arrays.fill(peerIndexById, -1);
        for (int i = 0; i < peerIds.length; i++) {
            peerIndexById[peerIds[i]] = i;
        }
        this.timing = timing;
        this.runtime = runtime;
        this.transport = transport;
        this.store = store;
        this.policy = policy;
        this.priorities = Map.copyOf(priorities);
        this.random = new SplittableRandom(seed);
        this.lane = new SerialExecutor(runtime.loopExecutor(), "raft node " + selfId);
        // The finest timer granularity: no two wake-ups closer than this.
        this.tickNanos = Math.max(1, Math.min(1_000_000, timing.heartbeatNanos() / 10));
        this.queryNanos = 2 * timing.heartbeatNanos();
        this.loaded = store == null ? Map.of() : new HashMap<>(store.load());
    }

    void start() {
        transport.start(this::onFrame);
        lane.execute(() -> {
            long now = now();
            lastHeartbeat = now;
            lastQuery = now - queryNanos;
            arm();
        });
    }

    // ---- for ElectionGroup (loop only) ----

    long now() {
        return runtime.time().monotonicNanos();
    }

    long wallMillis() {
        return runtime.time().wallTime().toEpochMilli();
    }

    SplittableRandom random() {
        return random;
    }

    int peerCount() {
        return peerIds.length;
    }

    /** The index of peer {@code nodeId} (0 to peerCount-1), or -1 if it is not a peer. */
    int peerIndex(int nodeId) {
        return nodeId >= 0 && nodeId < peerIndexById.length ? peerIndexById[nodeId] : -1;
    }

    int peerId(int index) {
        return peerIds[index];
    }

    int majority() {
        return clusterSize / 2 + 1;
    }

    /** True when a preferred-leader policy is set (with none, every node ranks the same). */
    boolean hasPreference() {
        return policy != PreferredLeader.NONE;
    }

    int rank(int nodeId) {
        switch (policy) {
            case LOWEST_ID:
                return -nodeId;
            case HIGHEST_PRIORITY:
                return priorities.getOrDefault(nodeId, 0);
            default:
                return 0;
        }
    }

    void markDirty(ElectionGroup g) {
        dirty.put(g.name, g);
    }

    void send(int to, Message m) {
        outbox.add(new Outgoing(to, m));
    }

    void broadcast(Message m) {
        for (int p : peers) {
            send(p, m);
        }
    }

    void heartbeatNow(ElectionGroup g, long now) {
        broadcast(g.heartbeat(now));
    }

    void leaderChanged(ElectionGroup g, LeaderInfo info) {
        if (info == null) {
            snapshot.remove(g.name);
        } else {
            snapshot.put(g.name, info);
        }
        notifyObservers(g.name, info);
    }

    private void notifyObservers(String election, LeaderInfo info) {
        for (ObserverEvents e : observers.getOrDefault(election, List.of())) {
            e.leaderObserved(info);
        }
    }

    // ---- inbound ----

    /** On a transport thread: answer queries from the snapshot, enqueue the rest. */
    private List<Message> onFrame(Frame frame) {
        int from = frame.from();
        boolean fromPeer = peers.contains(from);
        if (!fromPeer && from != 0) {
            log.debug("raft node {}: ignoring a frame from unknown node id {}", selfId, from);
            return List.of();
        }
        List<Message> replies = List.of();
        List<Message> forLoop = new ArrayList<>();
        for (Message m : frame.messages()) {
            if (m instanceof Message.LeaderQuery q) {
                if (selfId != 0) {
                    if (replies.isEmpty()) {
                        replies = new ArrayList<>();
                    }
                    replies.add(report(q.election()));
                }
            } else if (fromPeer) {
                forLoop.add(m);
            }
        }
        if (!forLoop.isEmpty() && !closed) {
            Runnable step = () -> handle(from, forLoop);
            if (runtime.allowsBlockingWaits()) {
                // A real transport thread that only waits for frames: run the step here when the
                // loop is idle, sparing a thread hand-off per frame (the loop never blocks).
                lane.executeHere(step);
            } else {
                lane.execute(step);
            }
        }
        return replies;
    }

    private Message.LeaderReport report(String election) {
        LeaderInfo l = snapshot.get(election);
        if (l == null) {
            return new Message.LeaderReport(election, 0, false, "", Map.of(), 0);
        }
        return new Message.LeaderReport(
                election,
                l.fencingToken(),
                true,
                l.candidateId(),
                l.metadata(),
                l.since().toEpochMilli());
    }

    private void handle(int from, List<Message> messages) {
        if (stopped || halted) {
            return;
        }
        long now = now();
        for (Message m : messages) {
            if (m instanceof Message.LeaderReport r) {
                onReport(from, r, now);
                continue;
            }
            if (selfId == 0) {
                continue;
            }
            ElectionGroup g = group(m.election(), now);
            if (m instanceof Message.Heartbeat h) {
                g.onHeartbeat(from, h, now);
            } else if (m instanceof Message.HeartbeatAck a) {
                g.onAck(from, a, now);
            } else if (m instanceof Message.VoteRequest v) {
                g.onVoteRequest(from, v, now);
            } else if (m instanceof Message.VoteResponse v) {
                g.onVoteResponse(from, v, now);
            } else if (m instanceof Message.TimeoutNow t) {
                g.onTimeoutNow(from, t, now);
            }
        }
        requestFlush();
    }

    private ElectionGroup group(String name, long now) {
        ElectionGroup g = groups.get(name);
        if (g == null) {
            g = new ElectionGroup(name, this, loaded.get(name), now);
            groups.put(name, g);
        }
        return g;
    }

    // ---- timer ----

    /**
     * Arms the timer for the earliest moment anything is due (a heartbeat, an election timeout, a
     * check-quorum, a hand-off), so an idle node wakes a few times a second rather than on a fixed
     * tick. Called after every step; re-arms only when something became due earlier.
     */
    private void arm() {
        if (stopped || halted) {
            return;
        }
        long now = now();
        long next = now + 4 * timing.maxElectionNanos();
        boolean leading = false;
        for (ElectionGroup g : groups.values()) {
            leading |= g.leading();
            long due = g.nextDue(now);
            if (due - next < 0) {
                next = due;
            }
        }
        if (leading && lastHeartbeat + timing.heartbeatNanos() - next < 0) {
            next = lastHeartbeat + timing.heartbeatNanos();
        }
        if (selfId == 0 && !observers.isEmpty() && lastQuery + queryNanos - next < 0) {
            next = lastQuery + queryNanos;
        }
        if (next - now < tickNanos) {
            next = now + tickNanos;
        }
        if (wakeArmed && wakeAt - next <= 0) {
            return;
        }
        if (tickTimer != null) {
            tickTimer.cancel();
        }
        wakeArmed = true;
        wakeAt = next;
        // With real threads the timer thread runs the tick itself when the loop is idle (a step
        // never blocks: sends do not wait for the network), sparing a hand-off per wake-up.
        tickTimer = runtime.allowsBlockingWaits()
                ? runtime.schedule(() -> lane.executeHere(this::tick), next - now)
                : runtime.schedule(() -> lane.execute(this::tick), next - now);
    }

    private void tick() {
        wakeArmed = false;
        if (stopped || halted) {
            return;
        }
        long now = now();
        if (now - lastHeartbeat - timing.heartbeatNanos() >= 0) {
            lastHeartbeat = now;
            for (ElectionGroup g : groups.values()) {
                if (g.leading()) {
                    heartbeatNow(g, now);
                }
            }
        }
        for (ElectionGroup g : groups.values()) {
            g.tick(now);
        }
        if (selfId == 0 && !observers.isEmpty()) {
            tickObserver(now);
        }
        requestFlush();
    }

    /**
     * Queues one flush behind the tasks already waiting: messages that arrive while a save is in
     * progress are handled first and their changes saved together (group commit).
     */
    private void requestFlush() {
        if (!flushQueued) {
            flushQueued = true;
            lane.execute(() -> {
                flushQueued = false;
                if (!halted) {
                    flush();
                    arm();
                }
            });
        }
    }

    /**
     * Sends what the steps since the last flush produced. A message about an election with a change
     * not yet durable (unsaved, or being saved) is held until the save completes; the others go out
     * at once, so heartbeats and acks never wait behind another election's fsync. Saves run one at
     * a time on the runtime's io executor and report back on the loop.
     */
    private void flush() {
        for (Outgoing o : outbox) {
            // A held message of an election implies that election is unsaved or saving, so this
            // keeps per-election order.
            if (!dirty.containsKey(o.message().election())
                    && !saving.contains(o.message().election())) {
                enqueueSend(o);
            } else {
                held.add(o);
            }
        }
        outbox.clear();
        sendQueued();
        startSave();
    }

    private final Map<Integer, List<Message>> sendBuffer = new LinkedHashMap<>();

    private void enqueueSend(Outgoing o) {
        sendBuffer.computeIfAbsent(o.to(), k -> new ArrayList<>()).add(o.message());
    }

    private void sendQueued() {
        for (Map.Entry<Integer, List<Message>> e : sendBuffer.entrySet()) {
            List<Message> all = e.getValue();
            for (int i = 0; i < all.size(); i += MESSAGES_PER_FRAME) {
                transport.send(e.getKey(), all.subList(i, Math.min(all.size(), i + MESSAGES_PER_FRAME)));
            }
        }
        sendBuffer.clear();
    }

    private void startSave() {
        if (saveRunning || dirty.isEmpty()) {
            return;
        }
        Map<String, StateStore.Durable> changed = new LinkedHashMap<>();
        for (ElectionGroup g : dirty.values()) {
            changed.put(g.name, new StateStore.Durable(g.term(), g.votedFor()));
        }
        dirty.clear();
        saving.addAll(changed.keySet());
        saveRunning = true;
        runtime.ioExecutor().execute(() -> {
            RuntimeException failure = null;
            try {
                if (!halted) {
                    store.save(changed);
                }
            } catch (RuntimeException e) {
                failure = e;
            }
            RuntimeException f = failure;
            lane.execute(() -> onSaved(changed, f));
        });
    }

    /** On the loop: a save finished; release the messages it was holding back. */
    private void onSaved(Map<String, StateStore.Durable> saved, RuntimeException failure) {
        saveRunning = false;
        saving.removeAll(saved.keySet());
        if (halted) {
            return;
        }
        if (failure != null) {
            log.error(
                    "raft node {}: cannot save terms and votes; dropping the messages that depend on them",
                    selfId,
                    failure);
            held.removeIf(o -> saved.containsKey(o.message().election()));
            for (String election : saved.keySet()) {
                ElectionGroup g = groups.get(election);
                if (g != null) {
                    dirty.put(election, g);
                }
            }
        }
        // Release every held message whose election is now durable.
        java.util.Iterator<Outgoing> it = held.iterator();
        while (it.hasNext()) {
            Outgoing o = it.next();
            String election = o.message().election();
            if (!dirty.containsKey(election) && !saving.contains(election)) {
                enqueueSend(o);
                it.remove();
            }
        }
        sendQueued();
        startSave();
        arm();
    }

    // ---- observers that are not voting members ----

    private void tickObserver(long now) {
        if (now - lastQuery - queryNanos >= 0) {
            lastQuery = now;
            for (String election : observers.keySet()) {
                broadcast(new Message.LeaderQuery(election));
            }
        }
        for (String election : observers.keySet()) {
            recompute(election, now);
        }
    }

    private void onReport(int from, Message.LeaderReport r, long now) {
        if (!observers.containsKey(r.election())) {
            return;
        }
        reports.computeIfAbsent(r.election(), k -> new HashMap<>()).put(from, new Received(r, now));
        recompute(r.election(), now);
    }

    /** The leader with the highest term among fresh reports; coalesces to the latest. */
    private void recompute(String election, long now) {
        Message.LeaderReport best = null;
        for (Received rec : reports.getOrDefault(election, Map.of()).values()) {
            if (now - rec.at() - 3 * queryNanos > 0 || !rec.report().known()) {
                continue;
            }
            if (best == null || rec.report().term() > best.term()) {
                best = rec.report();
            }
        }
        LeaderInfo info = best == null
                ? null
                : new LeaderInfo(
                        election,
                        best.candidateId(),
                        best.term(),
                        best.metadata(),
                        Instant.ofEpochMilli(best.sinceMillis()));
        LeaderInfo prev = observedByQuery.get(election);
        boolean same = prev == null
                ? info == null
                : info != null
                        && prev.fencingToken() == info.fencingToken()
                        && prev.candidateId().equals(info.candidateId());
        if (!same) {
            if (info == null) {
                observedByQuery.remove(election);
            } else {
                observedByQuery.put(election, info);
            }
            notifyObservers(election, info);
        }
    }

    // ---- the core's calls ----

    CandidateSession join(JoinRequest request, CandidateEvents events) {
        if (selfId == 0) {
            throw new ElectorException("this raft backend is an observer (no node id): it can observe but not join");
        }
        if (closed) {
            throw new ElectorException("raft node " + selfId + " is closed");
        }
        String election = request.election();
        if (!joined.add(election)) {
            throw new ElectorException("raft node " + selfId + " already has a candidate in election '" + election
                    + "': one candidate per node per election");
        }
        double drift = Math.max(timing.driftBound(), request.settings().clockDriftBound());
        long lease = (long) (timing.minElectionNanos() * (1 - drift));
        Candidacy c =
                new Candidacy(request.candidateId(), request.metadata(), events, request.runtime(), runtime, lease);
        onLoop(() -> group(election, now()).join(c, now()));
        return new CandidateSession() {
            @Override
            public void resign(long token) {
                onLoop(() -> group(election, now()).resign(token, now()));
            }

            @Override
            public void expired(long token) {
                onLoop(() -> group(election, now()).expired(token, now()));
            }

            @Override
            public void close() {
                onLoop(() -> {
                    group(election, now()).leave(now());
                    joined.remove(election);
                });
            }
        };
    }

    ObserverSession observe(ObserveRequest request, ObserverEvents events) {
        String election = request.election();
        observers.computeIfAbsent(election, k -> new CopyOnWriteArrayList<>()).add(events);
        onLoop(() -> {
            if (selfId != 0) {
                events.leaderObserved(group(election, now()).leader());
            } else {
                events.leaderObserved(observedByQuery.get(election));
                broadcast(new Message.LeaderQuery(election));
            }
        });
        return () -> {
            List<ObserverEvents> list = observers.get(election);
            if (list != null) {
                list.remove(events);
            }
        };
    }

    private void onLoop(Runnable r) {
        lane.execute(() -> {
            if (!stopped && !halted) {
                r.run();
                requestFlush();
            }
        });
    }

    /** Who leads {@code election} as this node knows it; a snapshot. */
    LeaderInfo leader(String election) {
        return selfId != 0 ? snapshot.get(election) : null;
    }

    // ---- shutdown ----

    /** Stops the loop (groups hand over elections they lead), then the transport. Bounded wait. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        CountDownLatch done = new CountDownLatch(1);
        lane.execute(() -> {
            stop();
            done.countDown();
        });
        if (!lane.inLane() && runtime.allowsBlockingWaits()) {
            try {
                // Bounded: the loop never blocks for long; a close must not hang a shutdown.
                done.await(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        transport.close();
        if (store != null) {
            store.close();
        }
    }

    /** Stops at once like a killed process: nothing more is sent, saved or reported. */
    void halt() {
        halted = true;
        closed = true;
        transport.close();
        lane.execute(() -> {
            stopped = true;
            if (tickTimer != null) {
                tickTimer.cancel();
            }
        });
        if (store != null) {
            store.close();
        }
    }

    private void stop() {
        if (stopped) {
            return;
        }
        long now = now();
        for (ElectionGroup g : groups.values()) {
            if (g.hasCandidacy()) {
                g.leave(now);
            }
        }
        // Closing: save what is left synchronously (bounded by the disk), then send everything.
        Map<String, StateStore.Durable> changed = new LinkedHashMap<>();
        for (ElectionGroup g : dirty.values()) {
            changed.put(g.name, new StateStore.Durable(g.term(), g.votedFor()));
        }
        boolean saved = true;
        try {
            store.save(changed);
            dirty.clear();
        } catch (RuntimeException e) {
            log.error("raft node {}: cannot save terms and votes while closing", selfId, e);
            saved = false;
        }
        if (saved && !saveRunning) {
            held.forEach(this::enqueueSend);
            outbox.forEach(this::enqueueSend);
            sendQueued();
        }
        held.clear();
        outbox.clear();
        stopped = true;
        if (tickTimer != null) {
            tickTimer.cancel();
        }
    }

    @Override
    public String toString() {
        return "raft node " + selfId;
    }
}
