package io.elector.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three {@code elector node} processes form a Raft cluster; {@code elector status} observes its leader. */
class NodeCommandIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Map<String, String> ENV = Map.of("ELECTOR_RAFT_SECRET", "node-it-secret-0123456789");

    @TempDir
    Path dir;

    private final List<ElectorProcess> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(ElectorProcess::close);
    }

    @Test
    void threeNodesElectOneLeaderThatStatusReportsAndSigtermStopsANode() throws Exception {
        List<Integer> ports = new ArrayList<>();
        List<ServerSocket> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
        }
        for (ServerSocket s : held) {
            ports.add(s.getLocalPort());
            s.close();
        }
        String peers = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        for (int i = 1; i <= 3; i++) {
            nodes.add(ElectorProcess.start(
                    dir,
                    "node-" + i,
                    ENV,
                    "node",
                    "-b",
                    "raft://" + peers + "?node=" + i + "&state=" + dir.resolve("s" + i)
                            + "&election-timeout=500ms-1000ms&heartbeat=100ms",
                    "-e",
                    "weather",
                    "--candidate",
                    "node-" + i));
        }
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> nodes.stream().anyMatch(n -> n.stdout().contains("] elected: token=")));
        ElectorProcess leader = nodes.stream()
                .filter(n -> n.stdout().contains("] elected: token="))
                .findFirst()
                .orElseThrow();
        String leaderId = "node-" + (nodes.indexOf(leader) + 1);
        // An observer (no node= in the URI) sees the leader; it may have changed meanwhile on a busy machine.
        try (ElectorProcess status = ElectorProcess.start(
                dir, "status", ENV, "status", "-b", "raft://" + peers, "-e", "weather", "--timeout", "10s")) {
            assertThat(status.awaitExit(WAIT)).as(status.stderr()).isZero();
            assertThat(status.stdout())
                    .startsWith("election weather: leader node-")
                    .contains(" token ");
        }
        assertThat(leader.stdout()).contains("[" + leaderId + "] candidate in election 'weather'");
        long electedBefore = electedLines(leader);
        leader.signal("TERM");
        assertThat(leader.awaitExit(WAIT)).isIn(0, 143);
        assertThat(leader.stdout()).contains("[" + leaderId + "] stopping");
        // The other two still form a majority and elect a leader.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> electedLines(leader) > electedBefore);
    }

    /** "elected" lines printed by the nodes other than {@code except}. */
    private long electedLines(ElectorProcess except) {
        return nodes.stream()
                .filter(n -> n != except)
                .mapToLong(n -> n.stdout()
                        .lines()
                        .filter(l -> l.contains("] elected: token="))
                        .count())
                .sum();
    }
}
