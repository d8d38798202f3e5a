package io.elector.zookeeper;

import io.elector.spi.Backend;
import io.elector.spi.CandidateEvents;
import io.elector.spi.CandidateSession;
import io.elector.spi.JoinRequest;
import io.elector.spi.ObserveRequest;
import io.elector.spi.ObserverEvents;
import io.elector.spi.ObserverSession;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elections on ZooKeeper with the classic recipe, implemented here (Curator only keeps the
 * connection): each candidate creates a sequential ephemeral znode under {@code root/election}; the
 * lowest sequence leads; every other candidate watches only its immediate predecessor, so a
 * departure wakes one candidate (no herd), which re-checks and moves on to the next lower znode
 * when the deleted one was not the leader.
 *
 * <p><b>Fencing token</b>: the leader znode's creation zxid. Zxids increase with every write of the
 * ensemble and survive restarts (they are in the transaction log), and leadership passes in
 * creation order, so each leadership's token is greater than every earlier one of the election.
 * Not promised if the ensemble's data directory is wiped: zxids then start over.
 *
 * <p><b>Deadline</b>: a leader holds its leadership while its session lives. The session is kept by
 * the server's clock; locally, the deadline is the send time of the last successful {@code sync}
 * (a quorum round trip, so a partitioned follower cannot vouch for a dead session) plus the
 * negotiated session timeout shortened by the drift bound. One {@code sync} per process every
 * session timeout / 5 renews every leadership of the process. On SUSPENDED nothing is renewed and
 * the core steps down at the deadline; on LOST every leadership is reported lost and every candidate
 * re-joins with the new session.
 *
 * <p><b>Threads</b>: all candidate and observer state lives on one lane thread per backend;
 * ZooKeeper calls made there are bounded by the connection timeout (one retry).
 */
public final class ZooKeeperBackend implements Backend {
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperBackend.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final ZooKeeperConfig config;
    private final CuratorFramework client;
    private final ScheduledExecutorService lane;
    private final ExecutorService listenerLane;
    private final ScheduledExecutorService heartbeats;
    private final List<ZkCandidate> candidates = new CopyOnWriteArrayList<>();
    private final List<ZkObserver> observers = new ArrayList<>();
    private final AtomicLong watchEvents = new AtomicLong();
    private final AtomicLong wakeups = new AtomicLong();
    private final AtomicBoolean syncInFlight = new AtomicBoolean();
    private volatile boolean closed;

    private ZooKeeperBackend(ZooKeeperConfig config) {
        this.config = config;
        int n = INSTANCES.incrementAndGet();
        this.lane = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "elector-zk-" + n));
        this.listenerLane = Executors.newSingleThreadExecutor(r -> daemon(r, "elector-zk-state-" + n));
        // Heartbeats have their own thread, so that a busy lane never delays a renewal.
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "elector-zk-heartbeat-" + n));
        this.client = CuratorFrameworkFactory.builder()
                .connectString(config.connectString())
                .sessionTimeoutMs((int) config.sessionTimeout().toMillis())
                .connectionTimeoutMs((int) config.connectionTimeout().toMillis())
                .retryPolicy(new RetryNTimes(1, 100))
                .build();
        client.getConnectionStateListenable()
                .addListener((c, state) -> lane.execute(() -> onConnectionState(state)), listenerLane);
        client.start();
        long hb = Math.max(50, config.sessionTimeout().toMillis() / 5);
        heartbeats.scheduleWithFixedDelay(this::heartbeat, hb, hb, TimeUnit.MILLISECONDS);
        // A safety net for liveness, not the mechanism: should a watch ever be lost (session
        // changes, a server restart), followers re-check their place every two session timeouts.
        long sweep = Math.max(1000, 2 * config.sessionTimeout().toMillis());
        lane.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /** A backend for {@code config}; connects in the background. */
    public static ZooKeeperBackend create(ZooKeeperConfig config) {
        return new ZooKeeperBackend(config);
    }

    /**
     * A backend for {@code zookeeper://host:port[,host:port...][/root][?sessionTimeout=4s
     * &connectionTimeout=2s]}.
     */
    public static ZooKeeperBackend create(URI uri) {
        return create(ZooKeeperUris.parse(uri));
    }

    /** Parses a {@code zookeeper://} URI into a config. */
    public static ZooKeeperConfig config(URI uri) {
        return ZooKeeperUris.parse(uri);
    }

    @Override
    public String kind() {
        return "zookeeper";
    }

    /**
     * Waits up to {@code timeout} for a connection to a server (the backend otherwise connects in
     * the background). For callers that want to tell "unreachable" apart before joining.
     *
     * @return whether connected
     */
    public boolean awaitConnected(java.time.Duration timeout) throws InterruptedException {
        return client.blockUntilConnected((int) Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    }

    public ZooKeeperConfig config() {
        return config;
    }

    /**
     * Watch notifications this process has received so far (predecessor and own-node watches of
     * candidates; observers' watches are not counted). A metric: with the predecessor recipe a
     * leader's departure adds one, whatever the number of candidates.
     */
    public long candidateWatchEvents() {
        return watchEvents.get();
    }

    /**
     * Watch notifications that woke a candidate to re-check its place (notifications for a znode
     * this process has already given up are counted by {@link #candidateWatchEvents()} only).
     */
    public long candidateWakeups() {
        return wakeups.get();
    }

    @Override
    public CandidateSession join(JoinRequest request, CandidateEvents events) {
        ZkCandidate c = new ZkCandidate(this, request, events);
        lane.execute(() -> {
            if (closed) {
                return;
            }
            candidates.add(c);
            c.enter();
        });
        return c;
    }

    @Override
    public ObserverSession observe(ObserveRequest request, ObserverEvents events) {
        ZkObserver o = new ZkObserver(this, request, events);
        lane.execute(() -> {
            if (closed) {
                return;
            }
            observers.add(o);
            o.check();
        });
        return o;
    }

    // ---- used by candidates and observers (lane only) ----

    CuratorFramework client() {
        return client;
    }

    void onLane(Runnable r) {
        if (!closed) {
            try {
                lane.execute(r);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    /** Runs {@code r} on the lane after {@code delayMs}, unless closed by then. */
    void onLaneLater(Runnable r, long delayMs) {
        if (!closed) {
            try {
                lane.schedule(() -> onLane(r), delayMs, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    /** How long to wait before retrying a failed step (connection hiccups). */
    long retryMillis() {
        return Math.max(100, config.sessionTimeout().toMillis() / 4);
    }

    void countWatchEvent() {
        watchEvents.incrementAndGet();
    }

    void countWakeup() {
        wakeups.incrementAndGet();
    }

    void removed(ZkCandidate c) {
        candidates.remove(c);
    }

    void removed(ZkObserver o) {
        observers.remove(o);
    }

    String electionPath(String election) {
        return config.root() + "/" + election;
    }

    /** The current session's id (0 when there is none). */
    long sessionId() {
        try {
            return client.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return 0;
        }
    }

    /** The negotiated session timeout in nanoseconds (the requested one before the first connect). */
    long sessionTimeoutNanos() {
        try {
            ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
            int negotiated = zk.getSessionTimeout();
            if (negotiated > 0) {
                return TimeUnit.MILLISECONDS.toNanos(negotiated);
            }
        } catch (Exception e) {
            // not connected yet
        }
        return config.sessionTimeout().toNanos();
    }

    /** A quorum round trip: completes when the server we talk to has caught up with the leader. */
    boolean syncBlocking() {
        try {
            java.util.concurrent.CompletableFuture<Integer> done = new java.util.concurrent.CompletableFuture<>();
            client.getZookeeperClient().getZooKeeper().sync("/", (rc, path, ctx) -> done.complete(rc), null);
            // Bounded: a sync that takes longer than a session timeout vouches for nothing.
            int rc = done.get(sessionTimeoutNanos(), TimeUnit.NANOSECONDS);
            if (rc != KeeperException.Code.OK.intValue()) {
                log.debug("zookeeper sync failed: {}", KeeperException.Code.get(rc));
            }
            return rc == KeeperException.Code.OK.intValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            log.debug("zookeeper sync failed: {}", e.toString());
            return false;
        }
    }

    // ---- lane ----

    /** One sync per process renews every leadership it holds (heartbeat thread). */
    private void heartbeat() {
        if (closed || syncInFlight.get()) {
            return;
        }
        List<ZkCandidate> leaders = new ArrayList<>();
        List<Long> tokens = new ArrayList<>();
        for (ZkCandidate c : candidates) {
            long t = c.leaderToken();
            if (t != 0) {
                leaders.add(c);
                tokens.add(t);
            }
        }
        if (leaders.isEmpty()) {
            return;
        }
        ZooKeeper zk;
        try {
            zk = client.getZookeeperClient().getZooKeeper();
        } catch (Exception e) {
            return;
        }
        long[] sent = new long[leaders.size()];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = leaders.get(i).now();
        }
        syncInFlight.set(true);
        try {
            zk.sync("/", (rc, path, ctx) -> onHeartbeat(leaders, tokens, sent, rc), null);
        } catch (RuntimeException e) {
            syncInFlight.set(false);
        }
    }

    private void onHeartbeat(List<ZkCandidate> leaders, List<Long> tokens, long[] sent, int rc) {
        syncInFlight.set(false);
        if (rc != KeeperException.Code.OK.intValue()) {
            log.debug("zookeeper heartbeat sync failed: {}", KeeperException.Code.get(rc));
            return;
        }
        for (int i = 0; i < sent.length; i++) {
            leaders.get(i).renewedBySync(tokens.get(i), sent[i]);
        }
    }

    private void sweep() {
        if (closed || !client.getZookeeperClient().isConnected()) {
            return;
        }
        for (ZkCandidate c : List.copyOf(candidates)) {
            c.sweep();
        }
    }

    private void onConnectionState(ConnectionState state) {
        if (closed) {
            return;
        }
        log.info("zookeeper {}: connection {}", config.connectString(), state);
        switch (state) {
            case LOST -> {
                for (ZkCandidate c : List.copyOf(candidates)) {
                    c.sessionLost();
                }
            }
            case RECONNECTED, CONNECTED -> {
                for (ZkCandidate c : List.copyOf(candidates)) {
                    c.reconnected();
                }
                for (ZkObserver o : List.copyOf(observers)) {
                    o.check();
                }
            }
            default -> {
                // SUSPENDED: nothing renews now; the core steps leaders down at their deadlines.
            }
        }
    }

    @Override
    public void close() {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        try {
            lane.execute(() -> {
                for (ZkCandidate c : List.copyOf(candidates)) {
                    c.leave();
                }
                for (ZkObserver o : List.copyOf(observers)) {
                    o.stop();
                }
                closed = true;
                done.complete(null);
            });
            // Bounded: deleting znodes waits at most for the connection timeout each.
            done.get(config.connectionTimeout().toMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.debug("zookeeper backend close: {}", e.toString());
        }
        closed = true;
        // Closing the session removes any ephemeral znode still there.
        heartbeats.shutdownNow();
        client.close();
        lane.shutdownNow();
        listenerLane.shutdownNow();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
