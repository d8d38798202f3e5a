package io.elector.etcd;

import io.elector.spi.Backend;
import io.elector.spi.CandidateEvents;
import io.elector.spi.CandidateSession;
import io.elector.spi.JoinRequest;
import io.elector.spi.ObserveRequest;
import io.elector.spi.ObserverEvents;
import io.elector.spi.ObserverSession;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elections on etcd v3 with the recipe of etcd's own {@code concurrency.Election}, implemented here
 * on jetcd's KV, Watch and Lease clients: each candidate puts a key under {@code root/election/}
 * bound to its process's lease; the key with the lowest create revision leads; every other
 * candidate watches only the deletion of its immediate predecessor (the highest create revision
 * below its own), so a departure wakes one candidate, not the herd.
 *
 * <p><b>Fencing token</b>: the leader key's create revision. etcd's revision is one counter for the
 * whole key space that grows with every write, is replicated by Raft and persisted, so it never
 * goes back, not across restarts or leader changes. Leadership passes in create-revision order, so
 * each leadership's token is greater than every earlier one of the election. Not promised if the
 * cluster's data is wiped.
 *
 * <p><b>Deadline</b>: one lease per process (TTL {@link EtcdConfig#ttl()}, 3 s by default), kept
 * alive every TTL / 6 on its own thread ({@link ProcessLease}). A leader's local deadline is the
 * send time of the last successful keep-alive (or grant) plus the granted TTL shortened by the
 * drift bound: etcd refreshes a lease when it receives the request, after it was sent, and expires
 * it by its own clock. When keep-alives fail, nothing renews and the core steps leaders down at
 * their deadlines; when the lease is gone (etcd says so, or its deadline passed), every leader
 * hears {@code lost} and every candidate joins again with a new lease.
 *
 * <p><b>Threads</b>: candidate and observer state lives on one lane thread per backend; the etcd
 * calls made there are blocking and bounded by the operation timeout (a gRPC deadline on every
 * unary call, so a request never executes long after it was given up). Watch events and lease
 * changes are handed to the lane.
 */
public final class EtcdBackend implements Backend {
    private static final Logger log = LoggerFactory.getLogger(EtcdBackend.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final EtcdConfig config;
    private final Client client;
    private final ScheduledExecutorService lane;
    private final ProcessLease lease;
    private final List<EtcdCandidate> candidates = new CopyOnWriteArrayList<>();
    private final List<EtcdObserver> observers = new ArrayList<>();
    /** Elections this backend ever had a candidate in (lane only): swept for orphan keys. */
    private final Set<String> elections = new LinkedHashSet<>();

    private final AtomicLong keySequence = new AtomicLong();
    private final AtomicLong watchEvents = new AtomicLong();
    private final AtomicLong wakeups = new AtomicLong();
    private volatile boolean closed;

    private EtcdBackend(EtcdConfig config) {
        this.config = config;
        int n = INSTANCES.incrementAndGet();
        this.lane = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "elector-etcd-" + n));
        this.client = Client.builder()
                .endpoints(config.endpoints().stream().map(e -> "http://" + e).toArray(String[]::new))
                .connectTimeout(config.operationTimeout())
                // No hidden re-sends: every retry is ours, so a request never runs after we gave up on it.
                .retryMaxAttempts(0)
                .interceptor(new UnaryDeadline(config.operationTimeout().toMillis()))
                .build();
        this.lease = new ProcessLease(
                client.getLeaseClient(),
                config,
                new ProcessLease.Listener() {
                    @Override
                    public void granted(ProcessLease.Grant g) {
                        onLane(() -> leaseGranted(g));
                    }

                    @Override
                    public void renewed(ProcessLease.Grant g) {
                        for (EtcdCandidate c : candidates) {
                            c.renewedByKeepAlive(g);
                        }
                    }

                    @Override
                    public void lost(ProcessLease.Grant g, String cause) {
                        onLane(() -> leaseLost(g, cause));
                    }
                },
                "elector-etcd-lease-" + n);
        lease.start();
        // A safety net for liveness, not the mechanism: followers re-check their place, keys of
        // ours that nobody owns any more are deleted, every two TTLs.
        long sweep = Math.max(1000, 2 * config.ttl().toMillis());
        lane.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /** A backend for {@code config}; connects and takes its lease in the background. */
    public static EtcdBackend create(EtcdConfig config) {
        return new EtcdBackend(config);
    }

    /** A backend for {@code etcd://host:port[,host:port...][/root][?ttl=3s&timeout=2s]}. */
    public static EtcdBackend create(URI uri) {
        return create(EtcdUris.parse(uri));
    }

    /** Parses an {@code etcd://} URI into a config. */
    public static EtcdConfig config(URI uri) {
        return EtcdUris.parse(uri);
    }

    @Override
    public String kind() {
        return "etcd";
    }

    public EtcdConfig config() {
        return config;
    }

    /**
     * Watch notifications delivered to this process's candidates so far (predecessor watches and a
     * leader's watch on its own key; observers are not counted). With the predecessor recipe a
     * departure adds one, whatever the number of candidates.
     */
    public long candidateWatchEvents() {
        return watchEvents.get();
    }

    /** Watch notifications that made a candidate re-check its place. */
    public long candidateWakeups() {
        return wakeups.get();
    }

    /** Keep-alive requests sent so far: one per TTL / 6 for the whole process, whatever the elections. */
    public long keepAlivesSent() {
        return lease.keepAlivesSent();
    }

    /** The id of the process's current lease, or 0 while it has none. */
    public long leaseId() {
        ProcessLease.Grant g = lease.current();
        return g == null ? 0 : g.id();
    }

    /**
     * Waits until etcd has granted this process its lease, at most {@code timeout}: proof that
     * etcd is reachable and answers. For tools that must fail fast on a wrong address.
     *
     * @return empty when the lease is there, else what went wrong (one line)
     */
    public Optional<String> awaitLease(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < 100_000 && lease.current() == null; i++) {
            if (System.nanoTime() - end >= 0 || closed) {
                return Optional.of(lease.lastError());
            }
            Thread.sleep(20);
        }
        return Optional.empty();
    }

    @Override
    public CandidateSession join(JoinRequest request, CandidateEvents events) {
        EtcdCandidate c = new EtcdCandidate(this, request, events);
        lane.execute(() -> {
            if (closed) {
                return;
            }
            candidates.add(c);
            elections.add(request.election());
            c.enter();
        });
        return c;
    }

    @Override
    public ObserverSession observe(ObserveRequest request, ObserverEvents events) {
        EtcdObserver o = new EtcdObserver(this, request, events);
        lane.execute(() -> {
            if (closed) {
                return;
            }
            observers.add(o);
            o.start();
        });
        return o;
    }

    // ---- used by candidates and observers ----

    KV kv() {
        return client.getKVClient();
    }

    Watch watch() {
        return client.getWatchClient();
    }

    long timeoutMillis() {
        return config.operationTimeout().toMillis();
    }

    /** How long to wait before retrying a failed step. */
    long retryMillis() {
        return Math.max(100, config.ttl().toMillis() / 6);
    }

    ProcessLease.Grant currentLease() {
        return lease.current();
    }

    /**
     * Sends a keep-alive now rather than at the next tick: a candidate was elected (its deadline
     * then starts from a fresh send) or was told its lease is gone.
     */
    void keepAliveNow() {
        lease.keepAliveNow();
    }

    /** The election's key prefix, ending in '/'. */
    ByteSequence prefix(String election) {
        return bytes(config.root() + "/" + election + "/");
    }

    /** A fresh key name for a candidate of this process: unique per lease and backend. */
    ByteSequence newKey(String election, ProcessLease.Grant g) {
        return bytes(config.root() + "/" + election + "/" + g.hex() + "-" + keySequence.incrementAndGet());
    }

    /** The prefix of every key this process put with lease {@code g} in {@code election}. */
    ByteSequence ownKeyPrefix(String election, ProcessLease.Grant g) {
        return bytes(config.root() + "/" + election + "/" + g.hex() + "-");
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    void onLane(Runnable r) {
        if (!closed) {
            try {
                lane.execute(r);
            } catch (RejectedExecutionException e) {
                // closing
            }
        }
    }

    void onLaneLater(Runnable r, long delayMs) {
        if (!closed) {
            try {
                lane.schedule(() -> onLane(r), delayMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closing
            }
        }
    }

    void countWatchEvent() {
        watchEvents.incrementAndGet();
    }

    void countWakeup() {
        wakeups.incrementAndGet();
    }

    void removed(EtcdCandidate c) {
        candidates.remove(c);
    }

    void removed(EtcdObserver o) {
        observers.remove(o);
    }

    // ---- lane ----

    private void leaseGranted(ProcessLease.Grant g) {
        for (EtcdCandidate c : List.copyOf(candidates)) {
            c.leaseGranted(g);
        }
    }

    private void leaseLost(ProcessLease.Grant g, String cause) {
        for (EtcdCandidate c : List.copyOf(candidates)) {
            c.leaseLost(g, cause);
        }
    }

    private void sweep() {
        if (closed) {
            return;
        }
        try {
            for (EtcdCandidate c : List.copyOf(candidates)) {
                c.sweep();
            }
            ProcessLease.Grant g = lease.current();
            if (g != null) {
                for (String e : List.copyOf(elections)) {
                    deleteOrphans(e, g);
                }
            }
        } catch (RuntimeException e) {
            log.warn("etcd sweep failed", e);
        }
    }

    /**
     * Deletes keys of this process's lease that no candidate owns (a put whose answer was lost
     * after its candidate left): such a key would sit in the queue for the life of the lease.
     */
    private void deleteOrphans(String election, ProcessLease.Grant g) {
        Set<ByteSequence> owned = new java.util.HashSet<>();
        for (EtcdCandidate c : candidates) {
            owned.addAll(c.keysInUse());
        }
        try {
            ByteSequence prefix = ownKeyPrefix(election, g);
            var resp = kv().get(
                            prefix,
                            io.etcd.jetcd.options.GetOption.builder()
                                    .isPrefix(true)
                                    .withKeysOnly(true)
                                    .build())
                    .get(timeoutMillis(), TimeUnit.MILLISECONDS);
            for (var kv : resp.getKvs()) {
                if (!owned.contains(kv.getKey())) {
                    log.info("etcd: deleting orphan key {}", kv.getKey().toString(StandardCharsets.UTF_8));
                    kv().delete(kv.getKey()).get(timeoutMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("etcd orphan sweep of {} failed: {}", election, e.toString());
        }
    }

    /**
     * Leaves every election (deleting the keys), stops observers, revokes the lease (which removes
     * anything left) and closes the connection. Bounded by a few operation timeouts.
     */
    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            lane.execute(() -> {
                for (EtcdCandidate c : List.copyOf(candidates)) {
                    c.leave();
                }
                for (EtcdObserver o : List.copyOf(observers)) {
                    o.stop();
                }
                closed = true;
                done.complete(null);
            });
            // Bounded: one delete per candidate, each bounded by the operation timeout.
            done.get(timeoutMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("etcd backend close: {}", e.toString());
        }
        closed = true;
        lease.close();
        lane.shutdownNow();
        client.close();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Puts a deadline on every unary call (not on the watch and keep-alive streams). */
    private static final class UnaryDeadline implements ClientInterceptor {
        private final long millis;

        UnaryDeadline(long millis) {
            this.millis = millis;
        }

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            if (method.getType() == MethodDescriptor.MethodType.UNARY && options.getDeadline() == null) {
                options = options.withDeadlineAfter(millis, TimeUnit.MILLISECONDS);
            }
            return next.newCall(method, options);
        }
    }
}
