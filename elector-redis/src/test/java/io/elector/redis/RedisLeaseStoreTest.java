package io.elector.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.elector.api.LeaderInfo;
import io.elector.spi.AcquireResult;
import io.elector.spi.HeldLease;
import io.elector.spi.LeaseRequest;
import io.elector.spi.LeaseStoreException;
import io.elector.spi.ReleaseNotice;
import io.elector.testkit.TcpProxy;
import io.lettuce.core.RedisURI;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store's operations, one by one, on the real Redis. */
class RedisLeaseStoreTest {
    private static final Duration TTL = Duration.ofSeconds(5);

    private RedisStoreConfig config;
    private final List<RedisLeaseStore> stores = new ArrayList<>();

    @BeforeEach
    void setUp() {
        config = RedisTestServer.config();
        // The shared server has been up: mark its guard as passed long ago if this is a new server.
        RedisKeys.with(config.uri(), r -> r.setnx(config.guardKey(), "0"));
    }

    @AfterEach
    void tearDown() {
        stores.forEach(RedisLeaseStore::close);
        RedisKeys.deleteWithPrefix(config.uri(), config.keyPrefix());
    }

    private RedisLeaseStore store() {
        return store(config);
    }

    private RedisLeaseStore store(RedisStoreConfig c) {
        RedisLeaseStore s = RedisLeaseStore.create(c);
        stores.add(s);
        return s;
    }

    private static LeaseRequest request(String election, String candidate, Duration ttl) {
        return new LeaseRequest(election, candidate, Map.of("address", "10.0.0.1:80", "note", "a|b&c=d\n"), ttl);
    }

    private static AcquireResult acquire(RedisLeaseStore s, String election, String candidate, Duration ttl)
            throws LeaseStoreException {
        return s.tryAcquire(List.of(request(election, candidate, ttl))).get(0);
    }

    @Test
    void freeLeaseIsTakenAndOthersSeeItsHolderWithMetadata() throws Exception {
        RedisLeaseStore a = store();
        RedisLeaseStore b = store();
        AcquireResult got = acquire(a, "e", "a", TTL);
        assertThat(got.acquired()).isTrue();
        assertThat(got.token()).isPositive();

        AcquireResult refused = acquire(b, "e", "b", TTL);
        assertThat(refused.acquired()).isFalse();
        assertThat(refused.holder().candidateId()).isEqualTo("a");
        assertThat(refused.holder().fencingToken()).isEqualTo(got.token());
        assertThat(refused.holder().metadata()).containsEntry("note", "a|b&c=d\n");

        Optional<LeaderInfo> read = b.read("e");
        assertThat(read).map(LeaderInfo::candidateId).contains("a");
        assertThat(b.read("other")).isEmpty();
    }

    @Test
    void expiryIsRedisPxAndTheTokenCounterSurvivesIt() throws Exception {
        RedisLeaseStore a = store();
        RedisLeaseStore b = store();
        long first = acquire(a, "e", "a", Duration.ofMillis(300)).token();
        long pttl = RedisKeys.pttl(config.uri(), config.keyPrefix() + "e:lease");
        assertThat(pttl).isBetween(1L, 300L);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.read("e").isEmpty());
        assertThat(RedisKeys.pttl(config.uri(), config.keyPrefix() + "e:token"))
                .as("the token counter never expires")
                .isEqualTo(-1L);
        AcquireResult second = acquire(b, "e", "b", TTL);
        assertThat(second.acquired()).isTrue();
        assertThat(second.token()).isGreaterThan(first);
    }

    @Test
    void reacquireBySameCandidateGetsAHigherToken() throws Exception {
        RedisLeaseStore a = store();
        long t1 = acquire(a, "e", "a", TTL).token();
        AcquireResult again = acquire(a, "e", "a", TTL);
        assertThat(again.acquired()).isTrue();
        assertThat(again.token()).isGreaterThan(t1);
        assertThat(a.renew(List.of(new HeldLease("e", "a", t1, TTL))))
                .as("the old token no longer renews")
                .isEmpty();
    }

    @Test
    void renewChecksHolderAndTokenAndResetsTheTtl() throws Exception {
        RedisLeaseStore a = store();
        long t = acquire(a, "e", "a", Duration.ofMillis(2000)).token();
        acquire(a, "f", "a", TTL);
        Set<String> renewed = a.renew(List.of(
                new HeldLease("e", "a", t, Duration.ofMillis(60_000)),
                new HeldLease("f", "a", t, TTL),
                new HeldLease("g", "a", t, TTL)));
        assertThat(renewed).containsExactly("e");
        assertThat(RedisKeys.pttl(config.uri(), config.keyPrefix() + "e:lease")).isGreaterThan(2000L);
        assertThat(a.renew(List.of(new HeldLease("e", "b", t, TTL)))).isEmpty();
        assertThat(a.renew(List.of())).isEmpty();
    }

    @Test
    void releaseChecksOwnershipAndPublishesSoWaitersRetryAtOnce() throws Exception {
        RedisLeaseStore a = store();
        RedisLeaseStore b = store();
        List<String> notices = new CopyOnWriteArrayList<>();
        List<ReleaseNotice> withTokens = new CopyOnWriteArrayList<>();
        AutoCloseable sub = b.onReleased(notices::add);
        AutoCloseable tokenSub = b.onReleaseNotice(withTokens::add);
        long t = acquire(a, "e", "a", TTL).token();
        // Lettuce subscribes asynchronously: wait until a release by the owner is heard.
        a.release(new HeldLease("e", "b", t, TTL));
        a.release(new HeldLease("e", "a", t - 1, TTL));
        assertThat(b.read("e")).as("a release by a non-owner does nothing").isPresent();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> RedisKeys.with(config.uri(), r -> r.pubsubNumsub(config.keyPrefix() + "released"))
                                .values()
                                .iterator()
                                .next()
                        >= 1);
        a.release(new HeldLease("e", "a", t, TTL));
        assertThat(b.read("e")).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> notices.contains("e") && !withTokens.isEmpty());
        assertThat(notices).containsExactly("e");
        // The notice carries the released token: a candidate that resigned tells a later release from its own.
        assertThat(withTokens).containsExactly(ReleaseNotice.of("e", t));
        sub.close();
        tokenSub.close();
    }

    @Test
    void releaseMessagesNameTheElectionAndTheToken() {
        assertThat(ReleaseChannel.parse(ReleaseChannel.message("weather-writer", 1795676909062571L)))
                .isEqualTo(ReleaseNotice.of("weather-writer", 1795676909062571L));
        // A message of an older version (the bare name) still wakes waiters, without a token.
        assertThat(ReleaseChannel.parse("weather-writer")).isEqualTo(ReleaseNotice.of("weather-writer"));
        assertThat(ReleaseChannel.parse("e|x")).isEqualTo(ReleaseNotice.of("e|x"));
    }

    @Test
    void aValueNotWrittenByElectorIsNeverOverwritten() throws Exception {
        RedisLeaseStore a = store();
        String key = config.keyPrefix() + "e:lease";
        RedisKeys.with(config.uri(), r -> r.set(key, "someone else's data"));
        AcquireResult r = acquire(a, "e", "a", TTL);
        assertThat(r.acquired()).isFalse();
        assertThat(r.holder()).isNull();
        assertThat(RedisKeys.get(config.uri(), key)).isEqualTo("someone else's data");
        assertThatThrownBy(() -> a.read("e"))
                .isInstanceOf(LeaseStoreException.class)
                .hasMessageContaining("not written by Elector");
    }

    @Test
    void restartGuardRefusesLeasesForOneTtlWhenRedisLostItsData() throws Exception {
        RedisStoreConfig fresh = config.withGuardKey(config.keyPrefix() + "guard");
        RedisLeaseStore a = store(fresh);
        Duration ttl = Duration.ofMillis(600);
        long start = System.nanoTime();
        AcquireResult refused = acquire(a, "e", "a", ttl);
        assertThat(refused.acquired()).as("no lease while the guard runs").isFalse();
        assertThat(refused.holder()).isNull();
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> acquire(a, "e", "a", ttl).acquired());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(ttl.minusMillis(50));
    }

    @Test
    void oneScriptCallAcquiresOrRenewsAThousandLeases() throws Exception {
        try (RedisProcess redis = RedisProcess.start()) {
            RedisKeys.with(redis.uri(), r -> r.set(RedisStoreConfig.DEFAULT_GUARD_KEY, "0"));
            RedisLeaseStore a = store(redis.config());
            List<LeaseRequest> requests = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                requests.add(request("e" + i, "a", TTL));
            }
            long before = scriptCalls(redis.uri());
            List<AcquireResult> got = a.tryAcquire(requests);
            long afterAcquire = scriptCalls(redis.uri());
            assertThat(got).hasSize(1000).allMatch(AcquireResult::acquired);
            List<HeldLease> held = new ArrayList<>();
            for (AcquireResult r : got) {
                held.add(new HeldLease(r.election(), "a", r.token(), TTL));
            }
            assertThat(a.renew(held)).hasSize(1000);
            long afterRenew = scriptCalls(redis.uri());
            // The first call of a script on a fresh server is EVALSHA (NOSCRIPT) then EVAL.
            assertThat(afterAcquire - before).isBetween(1L, 2L);
            assertThat(afterRenew - afterAcquire).isBetween(1L, 2L);
        }
    }

    @Test
    void tokensKeepIncreasingAfterRedisRestartsEmpty() throws Exception {
        try (RedisProcess redis = RedisProcess.start()) {
            RedisKeys.with(redis.uri(), r -> r.set(RedisStoreConfig.DEFAULT_GUARD_KEY, "0"));
            RedisLeaseStore a = store(redis.config().withCommandTimeout(Duration.ofMillis(500)));
            Duration ttl = Duration.ofMillis(300);
            long before = acquire(a, "e", "a", ttl).token();
            redis.stop();
            assertThatThrownBy(() -> acquire(a, "e", "a", ttl)).isInstanceOf(LeaseStoreException.class);
            redis.startAgain();
            long[] after = new long[1];
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .ignoreExceptions()
                    .until(() -> {
                        AcquireResult r = acquire(a, "e", "a", ttl);
                        after[0] = r.token();
                        return r.acquired();
                    });
            assertThat(after[0]).as("token after the restart lost the counter").isGreaterThan(before);
        }
    }

    @Test
    void anUnreachableServerFailsWithinTheCommandTimeout() throws Exception {
        try (TcpProxy proxy = new TcpProxy(
                new InetSocketAddress(config.uri().getHost(), config.uri().getPort()))) {
            RedisURI viaProxy = RedisURI.builder(config.uri())
                    .withHost("127.0.0.1")
                    .withPort(proxy.port())
                    .build();
            RedisLeaseStore a = store(
                    new RedisStoreConfig(viaProxy, config.keyPrefix(), Duration.ofMillis(300), config.guardKey()));
            assertThat(acquire(a, "e", "a", TTL).acquired()).isTrue();
            proxy.blackhole();
            long start = System.nanoTime();
            assertThatThrownBy(() -> a.renew(List.of(new HeldLease("e", "a", 1, TTL))))
                    .isInstanceOf(LeaseStoreException.class)
                    .hasMessageContaining("timed out");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            proxy.cut();
            assertThatThrownBy(() -> a.read("e")).isInstanceOf(LeaseStoreException.class);
            proxy.heal();
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .until(() -> a.read("e").isPresent());
        }
    }

    @Test
    void callsOnAClosedStoreFailWithAClearError() {
        RedisLeaseStore a = store();
        a.close();
        assertThatThrownBy(() -> a.read("e"))
                .isInstanceOf(LeaseStoreException.class)
                .hasMessageContaining("closed");
    }

    private static long scriptCalls(RedisURI uri) {
        String info = RedisKeys.with(uri, r -> r.info("commandstats"));
        long calls = 0;
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
                String v = line.substring(line.indexOf("calls=") + 6);
                calls += Long.parseLong(v.substring(0, v.indexOf(',')));
            }
        }
        return calls;
    }
}
