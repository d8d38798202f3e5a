package io.elector.redis;

import io.elector.api.LeaderInfo;
import io.elector.spi.AcquireResult;
import io.elector.spi.HeldLease;
import io.elector.spi.LeaseRequest;
import io.elector.spi.LeaseStore;
import io.elector.spi.LeaseStoreException;
import io.elector.spi.ReleaseNotice;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LeaseStore} on one Redis primary, through Lettuce.
 *
 * <p><b>Keys</b> (prefix {@code p}, election {@code e}): {@code p e :lease} holds {@code
 * token|holder|sinceMillis|metadata} with a {@code PX} expiry; {@code p e :token} is the election's
 * token counter, never expiring. Releases are published on {@code p released} with {@code
 * election|token} as message. Every operation is one Lua script ({@link LeaseScripts}), so
 * ownership checks and writes are atomic; a batch of N leases is one script call, not N commands.
 *
 * <p><b>Time.</b> Expiry is Redis's {@code PX}, judged by the Redis server; this store reads no
 * clock. The lease engine in core computes the local deadlines.
 *
 * <p><b>Failure.</b> Every command is bounded by the configured command timeout, plus a little per
 * argument for large batches (Lettuce {@link TimeoutOptions}); while the connection is down,
 * commands fail at once instead of queueing, and Lettuce reconnects in the background (10 ms
 * doubling to 1 s). Any Redis error becomes a {@link LeaseStoreException}. Scripts are sent by SHA and re-sent in full when the server forgot them
 * (after a restart).
 *
 * <p><b>Not supported:</b> Redis Cluster (a batch touches keys of many slots). See the module
 * README for what a single primary guarantees under failover.
 */
public final class RedisLeaseStore implements LeaseStore {
    private static final Logger log = LoggerFactory.getLogger(RedisLeaseStore.class);

    private final RedisStoreConfig config;
    private final RedisURI uri;
    private final ClientResources resources;
    private final RedisClient client;
    private final ReleaseChannel releases;
    private final String address;
    private final Object connectLock = new Object();
    private final AtomicBoolean warnedForeignValue = new AtomicBoolean();
    private final AtomicBoolean inGuard = new AtomicBoolean();
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile boolean closed;

    private RedisLeaseStore(RedisStoreConfig config) {
        this.config = config;
        this.address = config.address();
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(1)
                .computationThreadPoolSize(1)
                .reconnectDelay(
                        Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // Fail at once while disconnected: a queued renewal sent late is of no use.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.builder()
                        .timeoutCommands()
                        .timeoutSource(new BatchTimeout(config.commandTimeout()))
                        .build())
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(config.commandTimeout())
                        .keepAlive(true)
                        .tcpNoDelay(true)
                        .build())
                .build());
        // The per-command timeout above bounds every command; the sync API's own wait only caps it.
        this.uri = RedisURI.builder(config.uri())
                .withTimeout(config.commandTimeout().plus(BatchTimeout.MAX_EXTRA))
                .build();
        this.releases = new ReleaseChannel(
                client, uri, config.keyPrefix() + "released", address, resources.eventExecutorGroup());
    }

    /**
     * A store for {@code config}. Does not connect yet: the first call connects, so a store can be
     * created while Redis is down (calls then fail with {@link LeaseStoreException} until it is up).
     */
    public static RedisLeaseStore create(RedisStoreConfig config) {
        return new RedisLeaseStore(config);
    }

    /** The configuration of this store. */
    public RedisStoreConfig config() {
        return config;
    }

    @Override
    public String kind() {
        return "redis";
    }

    String leaseKey(String election) {
        return config.keyPrefix() + election + ":lease";
    }

    String tokenKey(String election) {
        return config.keyPrefix() + election + ":token";
    }

    @Override
    public List<AcquireResult> tryAcquire(List<LeaseRequest> requests) throws LeaseStoreException {
        if (requests.isEmpty()) {
            return List.of();
        }
        int n = requests.size();
        String[] keys = new String[1 + 2 * n];
        String[] args = new String[1 + 3 * n];
        keys[0] = config.guardKey();
        args[0] = Integer.toString(n);
        for (int i = 0; i < n; i++) {
            LeaseRequest r = requests.get(i);
            keys[1 + 2 * i] = leaseKey(r.election());
            keys[2 + 2 * i] = tokenKey(r.election());
            args[1 + 3 * i] = r.candidateId();
            args[2 + 3 * i] = Long.toString(ttlMillis(r.ttl()));
            args[3 + 3 * i] = LeaseValue.encodeMetadata(r.metadata());
        }
        List<Object> out = eval("acquire", Script.ACQUIRE, keys, args);
        expectSize("acquire", out, 2 * n);
        List<AcquireResult> results = new ArrayList<>(n);
        boolean guarded = false;
        for (int i = 0; i < n; i++) {
            String election = requests.get(i).election();
            long status = (Long) out.get(2 * i);
            String value = (String) out.get(2 * i + 1);
            if (status == 1) {
                LeaderInfo mine = LeaseValue.parse(election, value)
                        .orElseThrow(() -> new LeaseStoreException("redis acquire returned a malformed lease"));
                results.add(AcquireResult.acquired(election, mine.fencingToken()));
            } else if (status == 0) {
                Optional<LeaderInfo> holder = LeaseValue.parse(election, value);
                if (holder.isEmpty() && warnedForeignValue.compareAndSet(false, true)) {
                    log.warn(
                            "redis key {} on {} holds a value not written by Elector; the election stays blocked"
                                    + " until it is removed",
                            leaseKey(election),
                            address);
                }
                results.add(AcquireResult.heldBy(election, holder.orElse(null)));
            } else {
                guarded = true;
                results.add(AcquireResult.heldBy(election, null));
            }
        }
        if (guarded && inGuard.compareAndSet(false, true)) {
            log.info(
                    "redis on {} is inside its restart guard (guard key {} was missing: data lost or new server): no lease is"
                            + " granted until one lease duration has passed",
                    address,
                    config.guardKey());
        } else if (!guarded) {
            inGuard.set(false);
        }
        return results;
    }

    @Override
    public Set<String> renew(List<HeldLease> leases) throws LeaseStoreException {
        if (leases.isEmpty()) {
            return Set.of();
        }
        int n = leases.size();
        String[] keys = new String[n];
        String[] args = new String[2 * n];
        for (int i = 0; i < n; i++) {
            HeldLease l = leases.get(i);
            keys[i] = leaseKey(l.election());
            args[2 * i] = LeaseValue.owner(l.token(), l.candidateId());
            args[2 * i + 1] = Long.toString(ttlMillis(l.ttl()));
        }
        List<Object> out = eval("renew", Script.RENEW, keys, args);
        expectSize("renew", out, n);
        Set<String> renewed = new HashSet<>();
        for (int i = 0; i < n; i++) {
            if ((Long) out.get(i) == 1L) {
                renewed.add(leases.get(i).election());
            }
        }
        return renewed;
    }

    @Override
    public void release(HeldLease lease) throws LeaseStoreException {
        eval(
                "release",
                Script.RELEASE,
                new String[] {leaseKey(lease.election())},
                LeaseValue.owner(lease.token(), lease.candidateId()),
                config.keyPrefix() + "released",
                ReleaseChannel.message(lease.election(), lease.token()));
    }

    @Override
    public Optional<LeaderInfo> read(String election) throws LeaseStoreException {
        String value;
        try {
            value = connection().sync().get(leaseKey(election));
        } catch (RedisException e) {
            throw failure("read", e);
        }
        if (value == null) {
            return Optional.empty();
        }
        Optional<LeaderInfo> info = LeaseValue.parse(election, value);
        if (info.isEmpty()) {
            throw new LeaseStoreException(
                    "redis key " + leaseKey(election) + " on " + address + " holds a value not written by Elector");
        }
        return info;
    }

    /**
     * Checks that the server answers and accepts the credentials, within the command timeout.
     *
     * @throws LeaseStoreException naming the address and the problem (never the password)
     */
    public void ping() throws LeaseStoreException {
        try {
            connection().sync().ping();
        } catch (RedisException e) {
            throw failure("ping", e);
        }
    }

    /** Release notices arrive over Redis pub/sub on {@code <prefix>released}. */
    @Override
    public AutoCloseable onReleased(Consumer<String> listener) {
        return releases.add(notice -> listener.accept(notice.election()));
    }

    /** As {@link #onReleased}; each notice carries the released token. */
    @Override
    public AutoCloseable onReleaseNotice(Consumer<ReleaseNotice> listener) {
        return releases.add(listener);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        releases.close();
        StatefulRedisConnection<String, String> c;
        synchronized (connectLock) {
            c = connection;
            connection = null;
        }
        if (c != null) {
            c.close();
        }
        // Bounded: Lettuce's event loops stop within the timeout even with work pending.
        long timeoutMs = Math.max(1000, config.commandTimeout().toMillis());
        client.shutdown(0, timeoutMs, TimeUnit.MILLISECONDS);
        try {
            resources.shutdown(0, timeoutMs, TimeUnit.MILLISECONDS).get(2 * timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("redis client resources did not stop cleanly", e);
        }
    }

    private StatefulRedisConnection<String, String> connection() throws LeaseStoreException {
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            return c;
        }
        synchronized (connectLock) {
            if (closed) {
                throw new LeaseStoreException("redis store for " + address + " is closed");
            }
            if (connection == null) {
                try {
                    // Bounded by the socket connect timeout (= command timeout).
                    connection = client.connect(StringCodec.UTF8, uri);
                } catch (RedisException e) {
                    throw failure("connect", e);
                }
            }
            return connection;
        }
    }

    private List<Object> eval(String op, Script script, String[] keys, String... args) throws LeaseStoreException {
        RedisCommands<String, String> cmd = connection().sync();
        try {
            try {
                return cmd.evalsha(script.sha, ScriptOutputType.MULTI, keys, args);
            } catch (RedisNoScriptException e) {
                // The server forgot its scripts (restart, SCRIPT FLUSH): send the text once.
                return cmd.eval(script.text, ScriptOutputType.MULTI, keys, args);
            }
        } catch (RedisException e) {
            throw failure(op, e);
        }
    }

    private LeaseStoreException failure(String op, RedisException e) {
        return new LeaseStoreException("redis " + op + " on " + address + " failed: " + e.getMessage(), e);
    }

    private static void expectSize(String op, List<Object> out, int size) throws LeaseStoreException {
        if (out == null || out.size() != size) {
            throw new LeaseStoreException("redis " + op + " script returned " + (out == null ? "null" : out.size())
                    + " values, expected " + size);
        }
    }

    private static long ttlMillis(Duration ttl) {
        return Math.max(1, ttl.toMillis());
    }

    /**
     * The command timeout, plus 25 us per argument for batch scripts: a batch of 10,000 leases
     * (40,000 arguments) gets one more second, so that a large batch on a busy server is not cut
     * off (a timed-out acquire may still have taken the leases, which then sit unused until they
     * expire). Capped at {@link #MAX_EXTRA} more.
     */
    static final class BatchTimeout extends TimeoutOptions.TimeoutSource {
        static final Duration MAX_EXTRA = Duration.ofSeconds(10);
        private final long baseNanos;

        BatchTimeout(Duration base) {
            this.baseNanos = base.toNanos();
        }

        @Override
        public long getTimeout(io.lettuce.core.protocol.RedisCommand<?, ?, ?> command) {
            int args = command.getArgs() == null ? 0 : command.getArgs().count();
            return baseNanos + Math.min(MAX_EXTRA.toNanos(), args * 25_000L);
        }

        @Override
        public TimeUnit getTimeUnit() {
            return TimeUnit.NANOSECONDS;
        }
    }

    /** A script with its SHA-1, computed locally so that EVALSHA needs no SCRIPT LOAD round trip. */
    private enum Script {
        ACQUIRE(LeaseScripts.ACQUIRE),
        RENEW(LeaseScripts.RENEW),
        RELEASE(LeaseScripts.RELEASE);

        final String text;
        final String sha;

        Script(String text) {
            this.text = text;
            this.sha = sha1(text);
        }

        private static String sha1(String s) {
            try {
                return HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is required by every JVM", e);
            }
        }
    }
}
