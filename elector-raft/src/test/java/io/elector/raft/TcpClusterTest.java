package io.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.elector.api.Election;
import io.elector.api.ElectionObserver;
import io.elector.core.Elector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TcpClusterTest {
    // Tolerant timing: these tests check behaviour, not speed, and must hold on a loaded machine.
    private final LoopbackCluster cluster = new LoopbackCluster(3)
            .customize(b -> b.heartbeat(Duration.ofMillis(100))
                    .electionTimeout(Duration.ofMillis(600), Duration.ofMillis(1200)));
    private final List<Elector> electors = new ArrayList<>();

    @AfterEach
    void tearDown() {
        electors.forEach(Elector::close);
        cluster.close();
    }

    private Elector elector(RaftBackend backend, String id) {
        Elector e = Elector.builder(backend)
                .candidateId(id)
                .closeBackendOnClose(false)
                .build();
        electors.add(e);
        return e;
    }

    /** Waits for a leader whose token is above {@code after}; returns that token. */
    private static long awaitToken(List<Election> elections, long after) {
        long[] token = new long[1];
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            for (Election e : elections) {
                long t = e.leadership().map(l -> l.fencingToken()).orElse(-1L);
                if (t > after) {
                    token[0] = t;
                    return true;
                }
            }
            return false;
        });
        return token[0];
    }

    private static Optional<Election> leaderOf(List<Election> elections) {
        List<Election> leaders = new ArrayList<>();
        for (Election e : elections) {
            if (e.leadership().isPresent()) {
                leaders.add(e);
            }
        }
        assertThat(leaders).hasSizeLessThanOrEqualTo(1);
        return leaders.stream().findFirst();
    }

    @Test
    void threeNodesElectOneLeaderAndReplaceItWhenItDies() {
        List<RaftBackend> backends = new ArrayList<>();
        List<Election> elections = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            RaftBackend b = cluster.start(i);
            backends.add(b);
            elections.add(elector(b, "node-" + i).join("weather-writer"));
        }
        long firstToken = awaitToken(elections, 0);
        Election first = elections.stream()
                .filter(e ->
                        e.leadership().map(l -> l.fencingToken() == firstToken).orElse(false))
                .findFirst()
                .orElseThrow();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> elections.stream()
                        .allMatch(e -> e.leader()
                                .map(l -> l.fencingToken() == firstToken)
                                .orElse(false)));

        int index = elections.indexOf(first);
        backends.get(index).halt();
        List<Election> rest = new ArrayList<>(elections);
        rest.remove(index);
        assertThat(awaitToken(rest, firstToken)).isGreaterThan(firstToken);
    }

    @Test
    void resignHandsOverToAnotherNode() throws Exception {
        List<Election> elections = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            elections.add(elector(cluster.start(i), "node-" + i).join("jobs"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> leaderOf(elections).isPresent());
        long token = awaitToken(elections, 0);
        Election first = elections.stream()
                .filter(e -> e.leadership().map(l -> l.fencingToken() == token).orElse(false))
                .findFirst()
                .orElseThrow();
        first.resign().toCompletableFuture().get();
        List<Election> others = new ArrayList<>(elections);
        others.remove(first);
        assertThat(awaitToken(others, token)).isGreaterThan(token);
    }

    @Test
    void observerWithoutNodeIdSeesTheLeader() {
        List<Election> elections = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            elections.add(elector(cluster.start(i), "node-" + i).join("reports"));
        }
        RaftBackend observerBackend = cluster.track(RaftBackend.builder()
                .peers(cluster.peers)
                .secret(LoopbackCluster.SECRET)
                .build());
        ElectionObserver observer = elector(observerBackend, "watcher").observe("reports");
        await().atMost(Duration.ofSeconds(10)).until(() -> leaderOf(elections).isPresent());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> observer.leader()
                        .map(l -> leaderOf(elections)
                                .map(e -> e.candidateId().equals(l.candidateId()))
                                .orElse(false))
                        .orElse(false));
    }
}
