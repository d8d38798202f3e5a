package io.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.elector.api.Election;
import io.elector.core.Elector;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A peer without the secret, from another cluster, or sending garbage can neither vote nor crash a
 * node: its connection is closed, a WARN names its address, and the cluster keeps its leader.
 */
class UnauthenticatedPeerTest {
    private final LoopbackCluster cluster = new LoopbackCluster(3)
            .customize(b -> b.heartbeat(Duration.ofMillis(100))
                    .electionTimeout(Duration.ofMillis(600), Duration.ofMillis(1200)));
    private final List<Elector> electors = new ArrayList<>();

    @AfterEach
    void tearDown() {
        electors.forEach(Elector::close);
        cluster.close();
    }

    @Test
    void garbageWrongSecretAndOtherClusterFramesAreRejectedAndTheClusterKeepsWorking() throws Exception {
        List<Election> elections = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Elector e = Elector.builder(cluster.start(i)).candidateId("n" + i).build();
            electors.add(e);
            elections.add(e.join("guarded"));
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> elections.stream().anyMatch(Election::isLeader));

        Random random = new Random(42);
        byte[] garbage = new byte[4096];
        random.nextBytes(garbage);
        FrameCodec wrongSecret =
                new FrameCodec("elector", "not-the-cluster-secret-at-all!!!".getBytes(StandardCharsets.UTF_8));
        FrameCodec otherCluster = new FrameCodec("other", LoopbackCluster.SECRET.getBytes(StandardCharsets.UTF_8));
        // A forged vote grant and a forged TimeoutNow for a huge term: must not be counted.
        List<Message> forged = List.of(
                new Message.VoteRequest("guarded", 1_000_000, false, true),
                new Message.TimeoutNow("guarded", 1_000_000));
        List<byte[]> attacks =
                List.of(garbage, wrongSecret.encode(2, forged), otherCluster.encode(2, forged), new byte[] {
                    0x7f, 0x7f, 0x7f, 0x7f
                });
        for (int node = 1; node <= 3; node++) {
            for (byte[] attack : attacks) {
                try (Socket s = new Socket()) {
                    s.connect(cluster.peers.get(node), 1000);
                    s.setSoTimeout(2000);
                    OutputStream out = s.getOutputStream();
                    out.write(attack);
                    out.flush();
                    // The node closes the connection: read returns -1 (or the reset surfaces as an exception).
                    try {
                        assertThat(s.getInputStream().read()).isEqualTo(-1);
                    } catch (java.net.SocketException reset) {
                        // closed with a reset: also a rejection
                    }
                }
            }
        }
        // The cluster still has exactly one leader and no term jumped to the forged one.
        await().atMost(Duration.ofSeconds(15))
                .until(() -> elections.stream().filter(Election::isLeader).count() == 1);
        for (Election e : elections) {
            e.leadership().ifPresent(l -> assertThat(l.fencingToken()).isLessThan(1_000_000));
            e.leader().ifPresent(l -> assertThat(l.fencingToken()).isLessThan(1_000_000));
        }
    }
}
