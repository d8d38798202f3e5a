package io.elector.etcd;

import io.elector.testkit.BackendFixture;
import io.elector.testkit.ElectionConformanceSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The conformance suite on a real etcd (a private process, or ELECTOR_ETCD_ENDPOINTS). */
class EtcdConformanceTest extends ElectionConformanceSuite {
    private static EtcdTestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = EtcdTestServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected BackendFixture createFixture() {
        return new EtcdFixture(server.port());
    }
}
