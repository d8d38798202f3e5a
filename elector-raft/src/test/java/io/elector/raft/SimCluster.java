package io.elector.raft;

import io.elector.api.Election;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.api.Revocation;
import io.elector.core.Elector;
import io.elector.testkit.history.HistoryRecord;
import io.elector.time.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * A simulated cluster: every node a {@link RaftBackend} with its own drifting clock, its own
 * "disk" ({@link MemoryStateStore}) and an {@link Elector}, all on one {@link FakeClock} and one
 * {@link FaultyNetwork}. Leaderships are recorded in true (fake) time for the history checker.
 */
final class SimCluster implements AutoCloseable {
    static final String ELECTION = "sim";

    final FakeClock clock;
    final FaultyNetwork net;
    final Set<Integer> ids = new LinkedHashSet<>();
    private final long origin;
    private final Map<Integer, MemoryStateStore> disks = new HashMap<>();
    private final Map<Integer, DriftingRuntime> runtimes = new HashMap<>();
    private final Map<Integer, RaftBackend> backends = new HashMap<>();
    private final Map<Integer, Elector> electors = new HashMap<>();
    private final Map<Integer, Election> elections = new HashMap<>();
    private final List<HistoryRecord> history = new ArrayList<>();
    private final Map<String, long[]> open = new HashMap<>();
    private final UnaryOperator<RaftBackend.Builder> customize;
    private final long seed;
    private boolean checkEveryStep = true;

    /**
     * @param drift the drift bound configured on every node; node clock rates are drawn within
     *     {@code 1 ± drift/2}, so any two differ by less than the bound
     */
    SimCluster(int size, long seed, double drift, UnaryOperator<RaftBackend.Builder> customize) {
        this(size, seed, drift, null, customize);
    }

    /** As above, with explicit clock rates per node (index 0 is node 1), e.g. outside the bound. */
    SimCluster(int size, long seed, double drift, double[] rates, UnaryOperator<RaftBackend.Builder> customize) {
        this.seed = seed;
        this.clock = FakeClock.seeded(seed);
        this.origin = clock.nanos();
        this.net = new FaultyNetwork(clock, seed);
        this.customize = b -> customize.apply(b.clockDriftBound(drift));
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = 1; i <= size; i++) {
            ids.add(i);
            disks.put(i, new MemoryStateStore());
            double rate = rates != null ? rates[i - 1] : 1 + (r.nextDouble() * 2 - 1) * drift / 2 * 0.999;
            runtimes.put(i, new DriftingRuntime(clock, rate));
        }
    }

    /** Turns off the per-step two-leader assertion, leaving the judgement to the history checker. */
    void recordOnly() {
        checkEveryStep = false;
    }

    long now() {
        return clock.nanos() - origin;
    }

    MemoryStateStore disk(int node) {
        return disks.get(node);
    }

    RaftBackend backend(int node) {
        return backends.get(node);
    }

    Election election(int node) {
        return elections.get(node);
    }

    /** Starts node {@code id}; a candidate joins {@link #ELECTION}. */
    void start(int id, boolean candidate) {
        RaftBackend.Builder b = RaftBackend.builder().nodeId(id).jitterSeed(seed * 31 + id + now());
        for (int p : ids) {
            b.peer(p, new java.net.InetSocketAddress("127.0.0.1", 17000 + p));
        }
        RaftBackend backend = customize
                .apply(b)
                .runtime(runtimes.get(id))
                .transport(net.endpoint(id))
                .stateStore(disks.get(id))
                .build();
        backends.put(id, backend);
        Elector e = Elector.builder(backend)
                .candidateId("n" + id)
                .runtime(runtimes.get(id))
                .closeBackendOnClose(false)
                .build();
        electors.put(id, e);
        if (candidate) {
            join(id);
        }
        clock.runPending();
    }

    /** Makes running node {@code id} a candidate. */
    void join(int id) {
        Election election = electors.get(id).join(ELECTION);
        elections.put(id, election);
        election.addListener(recorder(id));
        clock.runPending();
    }

    private LeadershipListener recorder(int id) {
        return new LeadershipListener() {
            @Override
            public void elected(Leadership l) {
                open.put("n" + id, new long[] {l.fencingToken(), now()});
            }

            @Override
            public void revoked(Leadership l, Revocation r) {
                long[] o = open.remove("n" + id);
                if (o != null) {
                    history.add(HistoryRecord.leadership(
                            ELECTION,
                            "n" + id,
                            "p" + id,
                            o[0],
                            o[1],
                            now(),
                            r.reason().name()));
                }
            }
        };
    }

    /** Stops node {@code id} like kill -9: its leadership (if any) ends now. */
    void crash(int id) {
        backends.remove(id).halt();
        elections.remove(id);
        electors.remove(id).close();
        clock.runPending();
    }

    boolean running(int id) {
        return backends.containsKey(id);
    }

    /** The nodes holding a valid leadership now. */
    List<Integer> leaders() {
        List<Integer> out = new ArrayList<>();
        for (Map.Entry<Integer, Election> e : elections.entrySet()) {
            if (e.getValue().isLeader()) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    void advance(Duration d) {
        // Small steps so that validity is sampled often (the checker judges the records anyway).
        long steps = Math.max(1, d.toMillis() / 5);
        for (long i = 0; i < steps; i++) {
            clock.advance(Duration.ofMillis(5));
            if (checkEveryStep && leaders().size() > 1) {
                throw new AssertionError(
                        "seed " + seed + ": two valid leaders at once at " + now() + " ns: " + leaders());
            }
        }
    }

    /** Advances until exactly one node leads, at most {@code max}; returns how long it took, or null. */
    Duration awaitLeader(Duration max) {
        long start = now();
        for (long i = 0; i < max.toMillis() / 5; i++) {
            if (leaders().size() == 1) {
                return Duration.ofNanos(now() - start);
            }
            advance(Duration.ofMillis(5));
        }
        return leaders().size() == 1 ? Duration.ofNanos(now() - start) : null;
    }

    /** Every leadership so far; those still held end now. */
    List<HistoryRecord> history() {
        List<HistoryRecord> all = new ArrayList<>(history);
        for (Map.Entry<String, long[]> o : open.entrySet()) {
            String c = o.getKey();
            all.add(HistoryRecord.leadership(
                    ELECTION, c, "p" + c.substring(1), o.getValue()[0], o.getValue()[1], now(), "OPEN"));
        }
        return all;
    }

    Instant wall() {
        return clock.time().wallTime();
    }

    @Override
    public void close() {
        for (Elector e : electors.values()) {
            e.close();
        }
        for (RaftBackend b : backends.values()) {
            b.close();
        }
        clock.runPending();
    }
}
