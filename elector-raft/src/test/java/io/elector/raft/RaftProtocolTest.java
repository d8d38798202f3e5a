package io.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.elector.testkit.history.HistoryChecker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The Raft rules one at a time, on the fake clock with scripted peers: durable votes, pre-vote,
 * the followers' lease, check-quorum, transfer and the preferred leader.
 */
class RaftProtocolTest {
    private static final String E = SimCluster.ELECTION;

    private record Sent(int from, int to, Message message, StateStore.Durable diskAtSend) {}

    /** Records what node {@code node} sends, with what its disk held at that moment. */
    private static List<Sent> watch(SimCluster c, int node) {
        List<Sent> sent = new CopyOnWriteArrayList<>();
        c.net.tap((from, to, messages) -> {
            if (from == node) {
                for (Message m : messages) {
                    sent.add(new Sent(from, to, m, c.disk(node).get(E)));
                }
            }
        });
        return sent;
    }

    private static List<Message.VoteResponse> votes(List<Sent> sent, int to) {
        return sent.stream()
                .filter(s -> s.to() == to && s.message() instanceof Message.VoteResponse)
                .map(s -> (Message.VoteResponse) s.message())
                .toList();
    }

    @Test
    void aVoteIsDurableBeforeItIsSentAndARestartedNodeNeverVotesTwiceInATerm() {
        try (SimCluster c = new SimCluster(3, 11, 0.01, b -> b)) {
            c.start(2, false);
            List<Sent> sent = watch(c, 2);
            c.net.inject(1, 2, List.of(new Message.VoteRequest(E, 5, false, false)));
            c.advance(Duration.ofMillis(20));
            Sent grant = sent.stream()
                    .filter(s -> s.message() instanceof Message.VoteResponse v && v.granted())
                    .findFirst()
                    .orElseThrow();
            assertThat(grant.diskAtSend()).isEqualTo(new StateStore.Durable(5, 1));

            c.crash(2);
            c.start(2, false);
            sent = watch(c, 2);
            c.net.inject(3, 2, List.of(new Message.VoteRequest(E, 5, false, true)));
            c.advance(Duration.ofMillis(20));
            assertThat(votes(sent, 3)).containsExactly(new Message.VoteResponse(E, 5, false, false));
            assertThat(c.disk(2).get(E)).isEqualTo(new StateStore.Durable(5, 1));
        }
    }

    @Test
    void aPreVoteChangesNeitherTermNorVote() {
        try (SimCluster c = new SimCluster(3, 12, 0.01, b -> b)) {
            c.start(2, false);
            List<Sent> sent = watch(c, 2);
            c.net.inject(1, 2, List.of(new Message.VoteRequest(E, 7, true, false)));
            c.advance(Duration.ofMillis(20));
            assertThat(votes(sent, 1)).containsExactly(new Message.VoteResponse(E, 7, true, true));
            assertThat(c.disk(2).get(E)).isNull();
        }
    }

    @Test
    void aFollowerThatHeardFromTheLeaderRefusesVotesAndKeepsItsTerm() {
        try (SimCluster c = new SimCluster(3, 13, 0.01, b -> b)) {
            for (int id : c.ids) {
                c.start(id, true);
            }
            assertThat(c.awaitLeader(Duration.ofSeconds(3))).isNotNull();
            int leader = c.leaders().get(0);
            int follower = leader == 1 ? 2 : 1;
            int other = 6 - leader - follower;
            long term = c.election(leader).leadership().orElseThrow().fencingToken();
            List<Sent> sent = watch(c, follower);
            c.net.inject(
                    other,
                    follower,
                    List.of(
                            new Message.VoteRequest(E, term + 5, true, false),
                            new Message.VoteRequest(E, term + 5, false, false)));
            c.advance(Duration.ofMillis(20));
            assertThat(votes(sent, other))
                    .containsExactly(
                            new Message.VoteResponse(E, term, true, false),
                            new Message.VoteResponse(E, term, false, false));
            assertThat(c.disk(follower).get(E).term()).isEqualTo(term);
            assertThat(c.leaders()).containsExactly(leader);
        }
    }

    @Test
    void aLeaderCutOffFromTheMajorityIsInvalidByItsLease() {
        try (SimCluster c = new SimCluster(3, 14, 0.01, b -> b)) {
            for (int id : c.ids) {
                c.start(id, true);
            }
            assertThat(c.awaitLeader(Duration.ofSeconds(3))).isNotNull();
            c.advance(Duration.ofMillis(200));
            int leader = c.leaders().get(0);
            c.net.isolate(leader, c.ids);
            long cut = c.now();
            // The lease (150 ms * 0.99) counts from a heartbeat sent before the cut.
            c.advance(Duration.ofMillis(150));
            assertThat(c.election(leader).isLeader()).isFalse();
            assertThat(c.now() - cut).isLessThanOrEqualTo(Duration.ofMillis(155).toNanos());
            assertThat(c.awaitLeader(Duration.ofSeconds(2))).isNotNull();
            assertThat(c.leaders()).doesNotContain(leader);
            new HistoryChecker(Duration.ZERO).check(c.history()).assertNoViolations();
        }
    }

    @Test
    void resignHandsOverWithTimeoutNowInAboutARoundTrip() {
        try (SimCluster c = new SimCluster(3, 15, 0.01, b -> b)) {
            for (int id : c.ids) {
                c.start(id, true);
            }
            assertThat(c.awaitLeader(Duration.ofSeconds(3))).isNotNull();
            c.advance(Duration.ofMillis(200));
            int leader = c.leaders().get(0);
            c.election(leader).resign();
            long start = c.now();
            for (int i = 0; i < 100 && (c.leaders().isEmpty() || c.leaders().contains(leader)); i++) {
                c.clock.advance(Duration.ofMillis(1));
            }
            assertThat(c.leaders()).hasSize(1).doesNotContain(leader);
            // Network delays are 0.2-2 ms each way; TimeoutNow + vote request + vote = 3 hops.
            assertThat(Duration.ofNanos(c.now() - start)).isLessThanOrEqualTo(Duration.ofMillis(10));
            new HistoryChecker(Duration.ZERO).check(c.history()).assertNoViolations();
        }
    }

    @Test
    void thePreferredLowestIdTakesOverWhenHealthyWithoutOverlap() {
        try (SimCluster c = new SimCluster(3, 16, 0.01, b -> b.preferredLeader(PreferredLeader.LOWEST_ID))) {
            c.start(1, false);
            c.start(2, true);
            c.start(3, true);
            assertThat(c.awaitLeader(Duration.ofSeconds(3))).isNotNull();
            assertThat(c.leaders()).doesNotContain(1);
            c.join(1);
            for (int i = 0; i < 400 && !c.leaders().equals(List.of(1)); i++) {
                c.advance(Duration.ofMillis(5));
            }
            assertThat(c.leaders()).containsExactly(1);
            // And it stays: nobody takes over from the preferred node.
            c.advance(Duration.ofSeconds(2));
            assertThat(c.leaders()).containsExactly(1);
            new HistoryChecker(Duration.ZERO).check(c.history()).assertNoViolations();
        }
    }

    @Test
    void theHighestPriorityTakesOverWhenHealthy() {
        try (SimCluster c = new SimCluster(
                3,
                17,
                0.01,
                b -> b.preferredLeader(PreferredLeader.HIGHEST_PRIORITY)
                        .priority(3, 10)
                        .priority(1, 5))) {
            c.start(1, true);
            c.start(2, true);
            c.start(3, false);
            assertThat(c.awaitLeader(Duration.ofSeconds(3))).isNotNull();
            for (int i = 0; i < 400 && !c.leaders().equals(List.of(1)); i++) {
                c.advance(Duration.ofMillis(5));
            }
            assertThat(c.leaders()).containsExactly(1);
            c.join(3);
            for (int i = 0; i < 400 && !c.leaders().equals(List.of(3)); i++) {
                c.advance(Duration.ofMillis(5));
            }
            assertThat(c.leaders()).containsExactly(3);
            new HistoryChecker(Duration.ZERO).check(c.history()).assertNoViolations();
        }
    }
}
