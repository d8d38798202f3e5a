package io.elector.etcd;

import java.io.IOException;

/**
 * The etcd the tests talk to: an external one named by {@code ELECTOR_ETCD_ENDPOINTS} (a single
 * {@code host:port}, loopback only), or else a private {@link EtcdProcess} this class starts.
 * Missing etcd: the test is skipped with a message, or fails when {@code CI=true}.
 */
final class EtcdTestServer implements AutoCloseable {
    private final String endpoint;
    private final EtcdProcess process;

    private EtcdTestServer(String endpoint, EtcdProcess process) {
        this.endpoint = endpoint;
        this.process = process;
    }

    static EtcdTestServer start() throws IOException {
        String external = System.getenv("ELECTOR_ETCD_ENDPOINTS");
        if (external != null && !external.isBlank()) {
            String e = external.trim();
            if (!e.startsWith("127.") && !e.startsWith("localhost:")) {
                throw new IllegalArgumentException("ELECTOR_ETCD_ENDPOINTS must be a loopback host:port: " + e);
            }
            return new EtcdTestServer(e, null);
        }
        return new EtcdTestServer(null, EtcdProcess.start());
    }

    /** The client endpoint, {@code host:port}. */
    String endpoint() {
        return process != null ? process.endpoint() : endpoint;
    }

    int port() {
        String e = endpoint();
        return Integer.parseInt(e.substring(e.lastIndexOf(':') + 1));
    }

    /** The private process, for restart tests; null with an external etcd. */
    EtcdProcess process() {
        return process;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.close();
        }
    }
}
