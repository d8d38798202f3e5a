package io.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.elector.testkit.history.HistoryChecker;
import io.elector.testkit.history.HistoryReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three nodes in separate JVMs on loopback: kill -9 the leader, restart it with its state
 * directory, SIGSTOP a leader for longer than its lease and SIGCONT it. The history checker judges
 * the records every process wrote. Timing is relaxed (100 ms, 600-1200 ms) so that the run holds
 * on a loaded machine; safety does not depend on it.
 */
@Timeout(180)
class MultiProcessTest {
    private static final String ELECTION = "e0";

    @Test
    void killSuspendAndRestartNeverYieldTwoLeaders() throws Exception {
        try (ProcessCluster c = new ProcessCluster(3, 2, "&heartbeat=100ms&election-timeout=600ms-1200ms")) {
            for (int i = 1; i <= 3; i++) {
                c.start(i);
            }
            ProcessCluster.Event first =
                    c.await(0, e -> e.kind().equals("ELECTED") && e.election().equals(ELECTION), 60_000);
            assertThat(first).as("a first leader").isNotNull();
            int leader = awaitStableLeader(c);

            // kill -9 the leader: another node leads, with a higher token.
            int mark = c.events().size();
            c.kill9(leader);
            ProcessCluster.Event next = c.await(
                    mark,
                    e -> e.kind().equals("ELECTED") && e.election().equals(ELECTION) && e.node() != leader,
                    30_000);
            assertThat(next).as("a new leader after kill -9 of node %d", leader).isNotNull();

            // Restart the killed node with its state directory: it rejoins without disturbing the leader.
            mark = c.events().size();
            c.start(leader);
            assertThat(c.await(mark, e -> e.kind().equals("READY") && e.node() == leader, 60_000))
                    .isNotNull();

            // SIGSTOP the current leader for several leases, then SIGCONT: someone else leads meanwhile,
            // and the resumed node reports its leadership expired instead of acting on it.
            int paused = awaitStableLeader(c);
            mark = c.events().size();
            c.stop(paused);
            ProcessCluster.Event during = c.await(
                    mark,
                    e -> e.kind().equals("ELECTED") && e.election().equals(ELECTION) && e.node() != paused,
                    30_000);
            assertThat(during).as("a leader while node %d is stopped", paused).isNotNull();
            Thread.sleep(1500);
            c.cont(paused);
            ProcessCluster.Event expired = c.await(
                    mark,
                    e -> e.kind().equals("REVOKED") && e.election().equals(ELECTION) && e.node() == paused,
                    30_000);
            assertThat(expired).as("the resumed node steps down").isNotNull();
            awaitStableLeader(c);

            HistoryReport report = new HistoryChecker(java.time.Duration.ofMillis(1)).check(c.readHistory());
            System.out.println("multi-process history: " + report.intervals().size() + " leaderships");
            report.assertNoViolations();
            assertThat(report.intervals().size()).isGreaterThanOrEqualTo(3);
        }
    }

    /** Waits (bounded) for a leader of {@link #ELECTION} that is alive and reported by exactly one node. */
    private static int awaitStableLeader(ProcessCluster c) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            int l = c.currentLeader(ELECTION);
            if (l != 0) {
                return l;
            }
            Thread.sleep(50);
        }
        StringBuilder alive = new StringBuilder();
        for (int n = 1; n <= c.size(); n++) {
            alive.append(" node ").append(n).append(c.isAlive(n) ? " alive" : " dead");
        }
        throw new AssertionError("no stable leader within 30 s:" + alive + " " + c.events());
    }
}
