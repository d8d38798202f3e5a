package io.elector.jdbc;

import io.elector.testkit.BackendFixture;
import io.elector.testkit.ElectionConformanceSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The conformance suite on an H2 TCP server started in this JVM (candidates reach it over loopback). */
class H2ConformanceTest extends ElectionConformanceSuite {
    private static H2TcpServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = new H2TcpServer();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Override
    protected BackendFixture createFixture() {
        return new JdbcFixture(JdbcUri.parse(server.uri("conformance")));
    }
}
