package io.elector.zookeeper;

import io.elector.api.Election;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.api.Revocation;
import io.elector.core.Elector;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * One benchmark candidate JVM: {@code ZkBenchCandidate elector|latch <connect> <id> <election>}.
 * {@code elector} runs our backend with its defaults; {@code latch} runs Apache Curator's
 * LeaderLatch with Curator's defaults (the client of {@code CuratorFrameworkFactory.newClient}).
 * Prints {@code READY}, then {@code ELECTED} / {@code REVOKED}; exits when stdin closes.
 */
public final class ZkBenchCandidate {
    private ZkBenchCandidate() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String connect = args[1];
        String id = args[2];
        String election = args[3];
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (mode.equals("latch")) {
            try (CuratorFramework client =
                    CuratorFrameworkFactory.newClient(connect, new ExponentialBackoffRetry(1000, 3))) {
                client.start();
                try (LeaderLatch latch = new LeaderLatch(client, "/curator-latch/" + election, id)) {
                    latch.addListener(new LeaderLatchListener() {
                        @Override
                        public void isLeader() {
                            out.println("ELECTED");
                        }

                        @Override
                        public void notLeader() {
                            out.println("REVOKED");
                        }
                    });
                    latch.start();
                    out.println("READY");
                    waitForStdinEof();
                }
            }
            return;
        }
        try (Elector elector = Elector.builder(ZooKeeperBackend.create(ZooKeeperConfig.of(connect)))
                .candidateId(id)
                .closeBackendOnClose(true)
                .build()) {
            Election e = elector.join(election);
            e.addListener(new LeadershipListener() {
                @Override
                public void elected(Leadership l) {
                    out.println("ELECTED " + l.fencingToken());
                }

                @Override
                public void revoked(Leadership l, Revocation r) {
                    out.println("REVOKED " + l.fencingToken());
                }
            });
            out.println("READY");
            waitForStdinEof();
        }
    }

    private static void waitForStdinEof() throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            // no commands
        }
    }
}
