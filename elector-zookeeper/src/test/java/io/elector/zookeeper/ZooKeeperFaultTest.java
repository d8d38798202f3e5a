package io.elector.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.elector.api.Leadership;
import io.elector.core.Elector;
import io.elector.testkit.Candidate;
import io.elector.testkit.ElectionHarness;
import io.elector.testkit.QueueFaults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults beyond the suite, each on its own in-process server: a server restart during leadership,
 * a session expiry of the leader, the no-herd property, and no orphan znodes after close. The
 * history checker judges every run.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ZooKeeperFaultTest {
    private TestingServer server;

    @BeforeEach
    void start() throws Exception {
        server = ZkTestServer.start(250);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void serverRestartDuringLeadershipNeverYieldsTwoLeadersAndTokensKeepIncreasing() throws Exception {
        ZkFixture fixture = new ZkFixture(server.getPort());
        QueueFaults.restartDuringLeadership(
                fixture,
                server::restart, // same data directory: the znodes and zxids survive
                election -> znodes(election, fixture),
                Duration.ofSeconds(10),
                Duration.ofSeconds(20));
    }

    @Test
    void serverDownLongerThanTheSessionStepsTheLeaderDownByItsDeadline() throws Exception {
        QueueFaults.outageLongerThanTheBound(
                new ZkFixture(server.getPort()),
                server::stop,
                server::restart,
                ZkFixture.SESSION,
                "SUSPENDED: the leader stops by its deadline (session timeout)",
                Duration.ofSeconds(10),
                Duration.ofSeconds(20));
    }

    @Test
    void sessionExpiryOfTheLeaderMakesItStepDownAndRejoinWithANewSession() throws Exception {
        ZkFixture fixture = new ZkFixture(server.getPort());
        ElectionHarness harness = new ElectionHarness(fixture);
        try {
            List<Candidate> cs = harness.startCandidates(3);
            harness.join("expiry", cs);
            Candidate leader = harness.awaitLeader("expiry", cs, Duration.ofSeconds(10));
            Leadership l = leader.election("expiry").leadership().orElseThrow();
            // Blackhole the leader for several session timeouts: the server expires its session.
            fixture.proxy(leader.backend()).blackhole();
            l.lost().toCompletableFuture().get(harness.leaseWithSlack().toMillis(), TimeUnit.MILLISECONDS);
            Candidate next = harness.awaitNewLeader("expiry", cs, leader, Duration.ofSeconds(10));
            long nextToken = next.election("expiry").leadership().orElseThrow().fencingToken();
            assertThat(nextToken).isGreaterThan(l.fencingToken());
            Thread.sleep(ZkFixture.SESSION.toMillis() * 3);
            fixture.proxy(leader.backend()).heal();
            // The old leader re-joins with a new session and a new znode: it can lead again after a resign.
            await().atMost(Duration.ofSeconds(15)).until(() -> znodes("expiry", fixture) == 3);
            next.election("expiry").resign().toCompletableFuture().join();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> harness.leaders("expiry", cs).size() == 1
                            && harness.leaders("expiry", cs).get(0) != next);
        } finally {
            harness.close();
            fixture.close();
        }
        harness.checkHistory().assertNoViolations();
    }

    @Test
    void aDepartureWakesOnlyTheNextCandidateNotTheHerd() throws Exception {
        ZkFixture fixture = new ZkFixture(server.getPort());
        List<ZooKeeperBackend> backends = new ArrayList<>();
        List<Elector> electors = new ArrayList<>();
        List<io.elector.api.Election> elections = new ArrayList<>();
        try {
            for (int b = 0; b < 5; b++) {
                ZooKeeperBackend backend = (ZooKeeperBackend) fixture.newBackend();
                backends.add(backend);
                for (int i = 0; i < 10; i++) {
                    Elector e = Elector.builder(backend)
                            .candidateId("b" + b + "-c" + i)
                            .settings(fixture.settings())
                            .build();
                    electors.add(e);
                    elections.add(e.join("herd"));
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> znodes("herd", fixture) == 50);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> elections.stream()
                                    .filter(io.elector.api.Election::isLeader)
                                    .count()
                            == 1);
            io.elector.api.Election leader = elections.stream()
                    .filter(io.elector.api.Election::isLeader)
                    .findFirst()
                    .orElseThrow();
            Thread.sleep(300); // let the initial watches settle
            long before = backends.stream()
                    .mapToLong(ZooKeeperBackend::candidateWatchEvents)
                    .sum();
            leader.close(); // deletes the leader's znode
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> elections.stream()
                                    .filter(io.elector.api.Election::isLeader)
                                    .count()
                            == 1);
            Thread.sleep(500); // any herd would have fired by now
            long events = backends.stream()
                            .mapToLong(ZooKeeperBackend::candidateWatchEvents)
                            .sum()
                    - before;
            // One predecessor watch (the successor's) plus the old leader's watch on its own znode.
            assertThat(events)
                    .as("watch events for one departure among 50 candidates")
                    .isBetween(1L, 2L);

            // A follower in the middle leaving wakes only its successor.
            long before2 = backends.stream()
                    .mapToLong(ZooKeeperBackend::candidateWatchEvents)
                    .sum();
            elections.get(25).close();
            Thread.sleep(500);
            long events2 = backends.stream()
                            .mapToLong(ZooKeeperBackend::candidateWatchEvents)
                            .sum()
                    - before2;
            assertThat(events2).as("watch events for a follower's departure").isEqualTo(1L);
        } finally {
            electors.forEach(Elector::close);
            backends.forEach(ZooKeeperBackend::close);
            fixture.close();
        }
    }

    @Test
    void closingLeavesNoZnodeBehind() throws Exception {
        ZkFixture fixture = new ZkFixture(server.getPort());
        QueueFaults.closingLeavesNoKeyBehind(
                fixture, election -> znodes(election, fixture), "znode", Duration.ofSeconds(10));
    }

    /** Candidate znodes under the election, read by a separate client. */
    private int znodes(String election, ZkFixture fixture) throws Exception {
        try (CuratorFramework c =
                CuratorFrameworkFactory.newClient(server.getConnectString(), 5000, 2000, new RetryOneTime(100))) {
            c.start();
            c.blockUntilConnected(5, TimeUnit.SECONDS);
            String path = fixture.root() + "/" + election;
            if (c.checkExists().forPath(path) == null) {
                return 0;
            }
            return c.getChildren().forPath(path).size();
        }
    }
}
