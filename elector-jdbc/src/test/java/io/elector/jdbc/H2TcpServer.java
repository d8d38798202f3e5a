package io.elector.jdbc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.SQLException;
import org.h2.tools.Server;

/** An H2 TCP server in this JVM on a free loopback port, for tests that need a network hop. */
final class H2TcpServer implements AutoCloseable {
    private final Server server;
    private final int port;

    H2TcpServer() throws SQLException, IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        server = Server.createTcpServer("-tcpPort", String.valueOf(port), "-ifNotExists")
                .start();
    }

    /** A backend URI for an in-memory database {@code name} on this server. */
    String uri(String name) {
        return "h2:tcp://127.0.0.1:" + port + "/mem:" + name + ";DB_CLOSE_DELAY=-1";
    }

    @Override
    public void close() {
        server.stop();
    }
}
