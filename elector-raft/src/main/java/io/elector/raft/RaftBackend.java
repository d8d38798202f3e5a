package io.elector.raft;

import io.elector.api.LeaderInfo;
import io.elector.spi.Backend;
import io.elector.spi.CandidateEvents;
import io.elector.spi.CandidateSession;
import io.elector.spi.JoinRequest;
import io.elector.spi.ObserveRequest;
import io.elector.spi.ObserverEvents;
import io.elector.spi.ObserverSession;
import io.elector.time.ElectorRuntime;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The embedded Raft backend: the application's own processes elect leaders among themselves, with
 * no external service. One instance is one node of a static cluster (3, 5 or 7 nodes, each with an
 * id and a {@code host:port}); every election joined on it is decided by the same cluster over the
 * same connections, each election with its own Raft terms.
 *
 * <pre>{@code
 * RaftBackend backend = RaftBackend.builder()
 *         .nodeId(1)
 *         .peers(Map.of(1, new InetSocketAddress("127.0.0.1", 7001),
 *                       2, new InetSocketAddress("127.0.0.1", 7002),
 *                       3, new InetSocketAddress("127.0.0.1", 7003)))
 *         .secret(System.getenv("ELECTOR_RAFT_SECRET"))
 *         .stateDir(Path.of("/var/lib/myapp/raft"))
 *         .build();
 * try (Elector elector = Elector.builder(backend).candidateId("node-1").build()) { ... }
 * }</pre>
 *
 * <p><b>Guarantees.</b> The fencing token is the election's Raft term: it strictly increases and is
 * never reused, because every node makes its term and vote durable (fsync) before answering.
 * A leadership's deadline is the send time of the latest heartbeat a majority acknowledged plus
 * the minimum election timeout shortened by the clock drift bound; followers refuse to vote for
 * that long after hearing from the leader, so no two leaderships are ever valid at once while the
 * rate of any node's clock relative to any other's stays within {@code 1 ± drift}. A leader
 * without a majority steps down by its deadline (check-quorum). A crashed leader is replaced
 * within about the maximum election timeout plus a round trip; a resigning one hands over with
 * TimeoutNow in about a round trip.
 *
 * <p><b>Not promised.</b> Progress needs a live majority. Exclusivity assumes state directories
 * survive restarts (a node that loses its directory must not rejoin under the same id in the same
 * cluster) and that the cluster secret is known only to members. Without a node id the backend is
 * an observer: it can watch leaders but not join.
 */
public final class RaftBackend implements Backend {
    private final RaftNode node;
    private final ElectorRuntime runtime;
    private final boolean ownsRuntime;
    private final int nodeId;

    private RaftBackend(RaftNode node, ElectorRuntime runtime, boolean ownsRuntime, int nodeId) {
        this.node = node;
        this.runtime = runtime;
        this.ownsRuntime = ownsRuntime;
        this.nodeId = nodeId;
    }

    /** Starts configuring a node (or, without {@link Builder#nodeId}, an observer). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder from a {@code raft://host:port,host:port,...?node=N} URI; see {@link RaftUri}. */
    public static Builder fromUri(String uri) {
        return RaftUri.parse(uri, System.getenv());
    }

    @Override
    public String kind() {
        return "raft";
    }

    /** This node's id; 0 for an observer. */
    public int nodeId() {
        return nodeId;
    }

    /** Who leads {@code election} as this node knows it now (a snapshot; empty for an observer). */
    public Optional<LeaderInfo> knownLeader(String election) {
        return Optional.ofNullable(node.leader(election));
    }

    @Override
    public CandidateSession join(JoinRequest request, CandidateEvents events) {
        return node.join(request, events);
    }

    @Override
    public ObserverSession observe(ObserveRequest request, ObserverEvents events) {
        return node.observe(request, events);
    }

    /** Hands over the elections this node leads, stops the loop, closes connections and the state directory. */
    @Override
    public void close() {
        node.close();
        if (ownsRuntime) {
            runtime.close();
        }
    }

    /** Stops like a killed process: no hand-over, no further message or report. For fault tests. */
    void halt() {
        node.halt();
        if (ownsRuntime) {
            runtime.close();
        }
    }

    /** Configures a {@link RaftBackend}. Every value is validated by {@link #build()}, naming the field. */
    public static final class Builder {
        private int nodeId;
        private final Map<Integer, InetSocketAddress> peers = new LinkedHashMap<>();
        private String clusterId = "elector";
        private byte[] secret;
        private Path stateDir;
        private InetSocketAddress bindAddress;
        private Duration heartbeat = RaftTiming.DEFAULT_HEARTBEAT;
        private Duration minElectionTimeout = RaftTiming.DEFAULT_MIN_ELECTION;
        private Duration maxElectionTimeout = RaftTiming.DEFAULT_MAX_ELECTION;
        private double clockDriftBound = 0.01;
        private PreferredLeader preferredLeader = PreferredLeader.NONE;
        private final Map<Integer, Integer> priorities = new HashMap<>();
        private ElectorRuntime runtime;
        private Long seed;
        private UnaryOperator<Transport> transportWrapper = UnaryOperator.identity();
        private Transport transport;
        private StateStore stateStore;

        private Builder() {}

        /** This node's id, a key of {@link #peers}; leave unset (0) for an observer. */
        public Builder nodeId(int id) {
            this.nodeId = id;
            return this;
        }

        /** Every node of the cluster, this one included: id (1..999) to address. */
        public Builder peers(Map<Integer, InetSocketAddress> all) {
            peers.clear();
            peers.putAll(Objects.requireNonNull(all, "peers"));
            return this;
        }

        /** Adds one node of the cluster. */
        public Builder peer(int id, InetSocketAddress address) {
            peers.put(id, Objects.requireNonNull(address, "address"));
            return this;
        }

        /** Names the cluster (default {@code elector}); frames of another cluster are refused. */
        public Builder clusterId(String id) {
            this.clusterId = Objects.requireNonNull(id, "clusterId");
            return this;
        }

        /** The shared secret authenticating every frame (HMAC-SHA256); at least 16 bytes. */
        public Builder secret(byte[] s) {
            this.secret = Objects.requireNonNull(s, "secret").clone();
            return this;
        }

        /** The shared secret as text (its UTF-8 bytes); at least 16 bytes. */
        public Builder secret(String s) {
            return secret(Objects.requireNonNull(s, "secret").getBytes(StandardCharsets.UTF_8));
        }

        /** Where this node keeps its terms and votes (one fsynced file per election). Required for a node. */
        public Builder stateDir(Path dir) {
            this.stateDir = Objects.requireNonNull(dir, "stateDir");
            return this;
        }

        /** Where to listen (default: this node's address in {@link #peers}), e.g. {@code 0.0.0.0:7001}. */
        public Builder bindAddress(InetSocketAddress address) {
            this.bindAddress = Objects.requireNonNull(address, "bindAddress");
            return this;
        }

        /** Heartbeat interval; default 50 ms. */
        public Builder heartbeat(Duration d) {
            this.heartbeat = Objects.requireNonNull(d, "heartbeat");
            return this;
        }

        /** Randomized election timeout range; default 150-300 ms. The minimum is also the lease. */
        public Builder electionTimeout(Duration min, Duration max) {
            this.minElectionTimeout = Objects.requireNonNull(min, "min");
            this.maxElectionTimeout = Objects.requireNonNull(max, "max");
            return this;
        }

        /** Largest relative clock rate error between any two nodes (default 0.01); shortens the lease. */
        public Builder clockDriftBound(double fraction) {
            this.clockDriftBound = fraction;
            return this;
        }

        /** Which node should lead when healthy; default {@link PreferredLeader#NONE}. */
        public Builder preferredLeader(PreferredLeader policy) {
            this.preferredLeader = Objects.requireNonNull(policy, "preferredLeader");
            return this;
        }

        /** A node's priority for {@link PreferredLeader#HIGHEST_PRIORITY} (default 0); same on every node. */
        public Builder priority(int nodeId, int priority) {
            priorities.put(nodeId, priority);
            return this;
        }

        /** The runtime (clocks, timers, loop threads); default a new system runtime closed with the backend. */
        public Builder runtime(ElectorRuntime r) {
            this.runtime = Objects.requireNonNull(r, "runtime");
            return this;
        }

        /** Seeds the election-timeout jitter, for reproducible tests. */
        public Builder jitterSeed(long s) {
            this.seed = s;
            return this;
        }

        /** Test seam: wraps the transport (fault injection over TCP). */
        Builder wrapTransport(UnaryOperator<Transport> wrapper) {
            this.transportWrapper = Objects.requireNonNull(wrapper);
            return this;
        }

        /** Test seam: an in-memory transport instead of TCP. */
        Builder transport(Transport t) {
            this.transport = t;
            return this;
        }

        /** Test seam: an in-memory state store instead of {@link #stateDir}. */
        Builder stateStore(StateStore s) {
            this.stateStore = s;
            return this;
        }

        /** Validates, opens the state directory, starts listening and joins the cluster. */
        public RaftBackend build() {
            RaftTiming timing = new RaftTiming(heartbeat, minElectionTimeout, maxElectionTimeout, clockDriftBound);
            validateMembers();
            if (transport == null && secret == null) {
                throw new RaftConfigException("secret is required: every frame is authenticated with it (set"
                        + " ELECTOR_RAFT_SECRET or ?secret= in a raft:// URI)");
            }
            if (clusterId.isEmpty() || clusterId.length() > 128) {
                throw new RaftConfigException("clusterId must be 1-128 characters: '" + clusterId + "'");
            }
            for (int id : priorities.keySet()) {
                if (!peers.containsKey(id)) {
                    throw new RaftConfigException(
                            "priority given for node " + id + ", which is not in peers " + peers.keySet());
                }
            }
            if (nodeId != 0 && stateDir == null && stateStore == null) {
                throw new RaftConfigException(
                        "stateDir is required for node " + nodeId + ": terms and votes must survive a restart");
            }
            StateStore store =
                    nodeId == 0 ? null : stateStore != null ? stateStore : new FileStateStore(stateDir, nodeId);
            boolean ownsRuntime = runtime == null;
            ElectorRuntime rt = ownsRuntime ? ElectorRuntime.system() : runtime;
            try {
                Transport t = transport;
                if (t == null) {
                    FrameCodec codec;
                    try {
                        codec = new FrameCodec(clusterId, secret);
                    } catch (IllegalArgumentException e) {
                        throw new RaftConfigException(e.getMessage(), e);
                    }
                    InetSocketAddress bind = nodeId == 0 ? null : bindAddress != null ? bindAddress : peers.get(nodeId);
                    t = new TcpTransport(nodeId, peers, bind, codec);
                }
                t = transportWrapper.apply(t);
                RaftNode node = new RaftNode(
                        nodeId,
                        new ArrayList<>(peers.keySet()),
                        timing,
                        rt,
                        t,
                        store,
                        preferredLeader,
                        priorities,
                        seed != null ? seed : System.nanoTime() ^ ((long) nodeId << 48));
                node.start();
                return new RaftBackend(node, rt, ownsRuntime, nodeId);
            } catch (RuntimeException e) {
                if (store != null) {
                    store.close();
                }
                if (ownsRuntime) {
                    rt.close();
                }
                throw e;
            }
        }

        private void validateMembers() {
            if (peers.isEmpty()) {
                throw new RaftConfigException("peers must list every node of the cluster (id -> host:port)");
            }
            if (peers.size() > 9) {
                throw new RaftConfigException(
                        "a raft cluster has 1 to 9 nodes (3, 5 or 7 recommended): " + peers.size());
            }
            for (Map.Entry<Integer, InetSocketAddress> e : peers.entrySet()) {
                if (e.getKey() < 1 || e.getKey() > 999) {
                    throw new RaftConfigException("node ids must be between 1 and 999: " + e.getKey());
                }
                if (e.getValue().getPort() < 1 || e.getValue().getPort() > 65535) {
                    throw new RaftConfigException(
                            "node " + e.getKey() + " needs a port between 1 and 65535: " + e.getValue());
                }
            }
            if (nodeId != 0 && !peers.containsKey(nodeId)) {
                throw new RaftConfigException("nodeId " + nodeId + " is not one of the peers " + peers.keySet());
            }
        }
    }
}
