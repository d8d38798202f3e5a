package io.elector.zookeeper;

import io.elector.api.LeaderInfo;
import io.elector.spi.CandidateEvents;
import io.elector.spi.CandidateSession;
import io.elector.spi.JoinRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One candidate's znode and its place in the queue. Every method except the {@link
 * CandidateSession} ones runs on the backend's lane.
 */
final class ZkCandidate implements CandidateSession {
    private static final Logger log = LoggerFactory.getLogger(ZkCandidate.class);
    private static final int MAX_RECHECKS = 100;

    private final ZooKeeperBackend backend;
    private final JoinRequest request;
    private final CandidateEvents events;
    private final String electionPath;

    private String node; // full path of our znode, null when we have none
    /** Every znode we created and have not seen deleted: cleaned up before creating another. */
    private final Set<String> mine = new LinkedHashSet<>();

    private long czxid;
    private boolean leading;
    /** The token while leading, else 0: read by the heartbeat thread. */
    private volatile long leaderToken;

    private boolean closed;
    /** Bumped for every new znode, so a retry scheduled for an older one is ignored. */
    private long generation;
    /** The session owning the znode we watched last (our own, while leading). */
    private long ownerSession;
    /** The znode whose deletion should wake us: our predecessor, or our own znode while leading. */
    private String watchedPath;

    private final CuratorWatcher watcher = this::onWatchEvent;

    ZkCandidate(ZooKeeperBackend backend, JoinRequest request, CandidateEvents events) {
        this.backend = backend;
        this.request = request;
        this.events = events;
        this.electionPath = backend.electionPath(request.election());
    }

    long now() {
        return request.runtime().time().monotonicNanos();
    }

    long leaderToken() {
        return leaderToken;
    }

    private void setLeading(boolean value) {
        leading = value;
        leaderToken = value ? czxid : 0;
    }

    private long deadline(long sentNanos) {
        double drift = request.settings().clockDriftBound();
        return sentNanos + (long) (backend.sessionTimeoutNanos() * (1.0 - drift));
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

    // ---- lane ----

    /** Creates a new znode at the end of the queue, then finds our place. */
    void enter() {
        if (closed) {
            return;
        }
        cleanUp();
        Stat stat = new Stat();
        try {
            String created = backend.client()
                    .create()
                    .storingStatIn(stat)
                    .creatingParentContainersIfNeeded()
                    .withProtection()
                    .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                    .forPath(electionPath + "/n_", NodeData.encode(request.candidateId(), request.metadata()));
            node = created;
            mine.add(created);
            czxid = stat.getCzxid();
            generation++;
            check();
        } catch (Exception e) {
            log.debug("{}: could not create a znode yet: {}", this, e.toString());
            backend.onLaneLater(this::retryEnter, backend.retryMillis());
        }
    }

    /**
     * Deletes znodes of ours that we no longer use (one whose creation we lost track of, say when a
     * late LOST arrived after the new session had already created one): an orphan would sit at the
     * head of the queue and block the election for the life of our session.
     */
    private void cleanUp() {
        for (String p : List.copyOf(mine)) {
            if (p.equals(node)) {
                continue;
            }
            try {
                backend.client().delete().forPath(p);
                mine.remove(p);
            } catch (KeeperException.NoNodeException e) {
                mine.remove(p);
            } catch (Exception e) {
                log.debug("{}: could not delete old znode {} yet: {}", this, p, e.toString());
            }
        }
    }

    private void retryEnter() {
        if (!closed && node == null) {
            enter();
        }
    }

    private void retryCheck(long gen) {
        backend.onLaneLater(
                () -> {
                    if (gen == generation && !closed) {
                        check();
                    }
                },
                backend.retryMillis());
    }

    /** Finds our place: lead if lowest, else watch the immediate predecessor. */
    void check() {
        for (int i = 0; i < MAX_RECHECKS && !closed && node != null; i++) {
            long sent = now();
            if (!backend.syncBlocking()) {
                retryCheck(generation);
                return;
            }
            List<String> children;
            try {
                children = new ArrayList<>(backend.client().getChildren().forPath(electionPath));
            } catch (Exception e) {
                log.debug("{}: getChildren failed: {}", this, e.toString());
                retryCheck(generation);
                return;
            }
            children.removeIf(n -> NodeData.sequence(n) < 0);
            children.sort(Comparator.comparingLong(NodeData::sequence));
            String own = node.substring(node.lastIndexOf('/') + 1);
            int at = children.indexOf(own);
            log.debug("{}: place {} of {}", this, at, children.size());
            if (at < 0) {
                nodeGone("our znode is gone");
                return;
            }
            if (at == 0) {
                if (!watchSelf()) {
                    continue;
                }
                if (ownerSession != backend.sessionId()) {
                    // A znode of an expired session (the server has not removed it yet): it is
                    // not ours to lead with.
                    nodeGone("our znode belongs to an expired session");
                    return;
                }
                if (!leading) {
                    setLeading(true);
                    events.leaderObserved(new LeaderInfo(
                            request.election(),
                            request.candidateId(),
                            czxid,
                            request.metadata(),
                            request.runtime().time().wallTime()));
                    events.elected(czxid, deadline(sent));
                } else {
                    events.renewed(czxid, deadline(sent));
                }
                return;
            }
            if (leading) {
                // A lower znode cannot appear after ours; if it did, we are not the leader.
                setLeading(false);
                events.lost(czxid, "a lower znode exists");
            }
            readLeader(children.get(0)).ifPresent(events::leaderObserved);
            if (watchPredecessor(children.get(at - 1))) {
                return;
            }
            // The predecessor vanished before the watch was set: look again.
        }
    }

    /** Leader: watch our own znode, so that its deletion (by an operator) ends the leadership. */
    private boolean watchSelf() {
        return watch(node);
    }

    private boolean watchPredecessor(String name) {
        return watch(electionPath + "/" + name);
    }

    /**
     * Sets an exists-watch with this candidate's one watcher object (ZooKeeper keeps one
     * registration per watcher and path, so re-checks never stack duplicates); false if the node
     * is already gone.
     */
    private boolean watch(String path) {
        watchedPath = path;
        try {
            Stat st = backend.client().checkExists().usingWatcher(watcher).forPath(path);
            ownerSession = st == null ? 0 : st.getEphemeralOwner();
            return st != null;
        } catch (Exception e) {
            retryCheck(generation);
            return true;
        }
    }

    /** ZooKeeper's event thread: hand the event to the lane. */
    private void onWatchEvent(WatchedEvent event) {
        if (event.getType() == Watcher.Event.EventType.None) {
            return; // connection events: the connection-state listener handles them
        }
        backend.countWatchEvent();
        String path = event.getPath();
        log.debug("{}: watch event {} on {}", this, event.getType(), path);
        backend.onLane(() -> onWatch(path));
    }

    /** Lane: a watched znode changed. Only the znode we watch now wakes us; older ones are stale. */
    private void onWatch(String path) {
        if (!closed && node != null && path.equals(watchedPath)) {
            backend.countWakeup();
            check();
        }
    }

    private Optional<LeaderInfo> readLeader(String name) {
        Stat stat = new Stat();
        try {
            byte[] data = backend.client().getData().storingStatIn(stat).forPath(electionPath + "/" + name);
            return NodeData.decode(request.election(), data, stat);
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** Heartbeat thread: a sync sent at {@code sent} succeeded; renew if still leading with that token. */
    void renewedBySync(long token, long sent) {
        if (leaderToken == token) {
            events.renewed(token, deadline(sent));
        }
    }

    /** The core stepped down (resign or deadline): give up our place and queue again at the end. */
    private void stepAside(long token, String why) {
        if (closed || node == null || token != czxid) {
            return;
        }
        setLeading(false);
        deleteOwn();
        log.debug("{}: {} token {}, queuing again", this, why, token);
        // Queued after anything already on the lane: a close() right behind a resign() then wins,
        // and no znode is created only to be deleted.
        backend.onLane(this::retryEnter);
    }

    private void nodeGone(String cause) {
        if (leading) {
            setLeading(false);
            events.lost(czxid, cause);
        }
        node = null;
        generation++;
        backend.onLane(this::retryEnter);
    }

    void sessionLost() {
        if (leading) {
            setLeading(false);
            events.lost(czxid, "ZooKeeper session lost");
        }
        node = null;
        generation++;
    }

    /** Lane, periodic: a follower re-checks its place; a candidate without a znode re-enters. */
    void sweep() {
        if (closed) {
            return;
        }
        cleanUp();
        if (leading) {
            return;
        }
        if (node == null) {
            enter();
        } else {
            check();
        }
    }

    void reconnected() {
        if (closed) {
            return;
        }
        if (node == null) {
            enter();
        } else {
            check();
        }
    }

    /** Leaves the election: deletes our znode (the session's close removes it if this fails). */
    void leave() {
        if (closed) {
            return;
        }
        closed = true;
        setLeading(false);
        deleteOwn();
        generation++;
        backend.removed(this);
    }

    private void deleteOwn() {
        if (node == null) {
            return;
        }
        String path = node;
        node = null;
        generation++;
        try {
            backend.client().delete().guaranteed().forPath(path);
            mine.remove(path);
        } catch (KeeperException.NoNodeException e) {
            mine.remove(path);
        } catch (Exception e) {
            // guaranteed(): Curator keeps retrying in the background until the session ends.
            log.debug("{}: delete of {} deferred: {}", this, path, e.toString());
        }
    }

    @Override
    public String toString() {
        return request.election() + "/" + request.candidateId();
    }
}
