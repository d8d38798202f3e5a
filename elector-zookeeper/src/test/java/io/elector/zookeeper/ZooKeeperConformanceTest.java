package io.elector.zookeeper;

import io.elector.testkit.BackendFixture;
import io.elector.testkit.ElectionConformanceSuite;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The conformance suite on a real (in-process) ZooKeeper server. */
class ZooKeeperConformanceTest extends ElectionConformanceSuite {
    private static TestingServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = ZkTestServer.start(250);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Override
    protected BackendFixture createFixture() {
        return new ZkFixture(server.getPort());
    }
}
