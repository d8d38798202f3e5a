package io.elector.zookeeper;

import java.io.File;
import java.nio.file.Files;
import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * An in-process ZooKeeper server from the Maven artifacts (curator-test), on a free loopback port,
 * with a data directory that survives {@link TestingServer#restart()} (so zxids continue, as on a
 * real ensemble).
 */
final class ZkTestServer {
    private ZkTestServer() {}

    /** {@code tickTime} bounds sessions to [2, 20] ticks and sets the expiry granularity. */
    static TestingServer start(int tickTimeMs) throws Exception {
        File dir = Files.createTempDirectory("elector-zk-").toFile();
        InstanceSpec spec = new InstanceSpec(
                dir,
                InstanceSpec.getRandomPort(),
                -1,
                -1,
                true,
                1,
                tickTimeMs,
                -1,
                Map.of("clientPortAddress", "127.0.0.1"));
        return new TestingServer(spec, true);
    }
}
