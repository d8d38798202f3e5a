package io.elector.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback TCP proxy for fault injection: forwards a local port to a target, and on command cuts
 * every connection (RST-like close), blackholes traffic (bytes are held, connections stay open: a
 * partition neither side can see; on heal the held bytes flow on, as TCP retransmission would
 * deliver them), or delays each chunk. Listens on 127.0.0.1 only and
 * forwards only to loopback targets.
 */
public final class TcpProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);

    /** What the proxy does with traffic. */
    public enum Mode {
        FORWARD,
        BLACKHOLE,
        REFUSE
    }

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile Mode mode = Mode.FORWARD;
    private volatile long delayMillis;
    private volatile boolean closed;

    /** Starts a proxy on a free loopback port forwarding to {@code target} (must be loopback). */
    public TcpProxy(InetSocketAddress target) throws IOException {
        if (!target.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("TcpProxy forwards to loopback only: " + target);
        }
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "tcp-proxy-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    /** The local port clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    public InetSocketAddress target() {
        return target;
    }

    /** Forwards again; bytes held during a blackhole are delivered in order. */
    public void heal() {
        mode = Mode.FORWARD;
        delayMillis = 0;
    }

    /** Holds all traffic; connections stay open (a partition the peers cannot see). */
    public void blackhole() {
        mode = Mode.BLACKHOLE;
    }

    /** Closes every connection now and refuses new ones (a peer that is gone). */
    public void cut() {
        mode = Mode.REFUSE;
        closeAll();
    }

    /** Delays every forwarded chunk by {@code millis}. */
    public void delay(long millis) {
        delayMillis = millis;
    }

    public Mode mode() {
        return mode;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (mode == Mode.REFUSE) {
                    client.setSoLinger(true, 0);
                    client.close();
                    continue;
                }
                Socket upstream = new Socket();
                try {
                    upstream.connect(target, 2_000);
                } catch (IOException e) {
                    client.setSoLinger(true, 0);
                    client.close();
                    continue;
                }
                open.add(client);
                open.add(upstream);
                pump(client, upstream, "up");
                pump(upstream, client, "down");
            } catch (IOException e) {
                if (!closed) {
                    log.debug("proxy {} accept failed: {}", port(), e.toString());
                }
            }
        }
    }

    private void pump(Socket from, Socket to, String dir) {
        Thread t = new Thread(
                () -> {
                    byte[] buf = new byte[16 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buf)) >= 0) {
                            // Hold the bytes while blackholed; bounded by the proxy's life.
                            while (mode == Mode.BLACKHOLE && !closed) {
                                Thread.sleep(5);
                            }
                            if (mode == Mode.REFUSE || closed) {
                                break;
                            }
                            long d = delayMillis;
                            if (d > 0) {
                                Thread.sleep(d);
                            }
                            out.write(buf, 0, n);
                            out.flush();
                        }
                    } catch (SocketException e) {
                        // closed by cut() or by the other side
                    } catch (IOException | InterruptedException e) {
                        log.debug("proxy {} {} pump ended: {}", port(), dir, e.toString());
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                        open.remove(from);
                        open.remove(to);
                    }
                },
                "tcp-proxy-" + port() + "-" + dir);
        t.setDaemon(true);
        t.start();
    }

    private void closeAll() {
        for (Socket s : open) {
            try {
                s.setSoLinger(true, 0);
            } catch (IOException ignored) {
                // already closed
            }
            closeQuietly(s);
        }
        open.clear();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // nothing to do
        }
        closeAll();
    }
}
