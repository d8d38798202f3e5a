package io.elector.jdbc;

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

/**
 * A loopback TCP proxy between a candidate and its database that can pass traffic, blackhole it
 * (bytes are held, nothing is delivered and no connection is closed, as in a network partition;
 * held bytes are delivered if the link is restored) or cut it (every connection reset, new ones
 * refused). Only ever connects to 127.0.0.1.
 */
final class TcpProxy implements AutoCloseable {
    enum Mode {
        PASS,
        BLACKHOLE,
        CUT
    }

    private final int targetPort;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private Mode mode = Mode.PASS;
    private volatile boolean closed;

    TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    Mode mode() {
        synchronized (lock) {
            return mode;
        }
    }

    void pass() {
        setMode(Mode.PASS);
    }

    void blackhole() {
        setMode(Mode.BLACKHOLE);
    }

    /** Resets every connection and refuses new ones until {@link #pass()}. */
    void cut() {
        setMode(Mode.CUT);
        for (Socket s : sockets) {
            reset(s);
        }
        sockets.clear();
    }

    private void setMode(Mode m) {
        synchronized (lock) {
            mode = m;
            lock.notifyAll();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (mode() == Mode.CUT) {
                reset(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
            } catch (IOException e) {
                reset(client);
                closeQuietly(upstream);
                continue;
            }
            sockets.add(client);
            sockets.add(upstream);
            pump(client, upstream);
            pump(upstream, client);
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(
                () -> {
                    byte[] buf = new byte[16 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        while (!closed) {
                            int n = in.read(buf);
                            if (n < 0) {
                                break;
                            }
                            if (!awaitPassable()) {
                                break;
                            }
                            out.write(buf, 0, n);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // Connection reset or closed: end both sides below.
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                        sockets.remove(from);
                        sockets.remove(to);
                    }
                },
                "tcp-proxy-pump-" + from.getPort());
        t.setDaemon(true);
        t.start();
    }

    /** Holds the caller while blackholed; false if the link is cut. */
    private boolean awaitPassable() {
        synchronized (lock) {
            while (mode == Mode.BLACKHOLE && !closed) {
                try {
                    lock.wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return mode == Mode.PASS && !closed;
        }
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (SocketException ignored) {
            // Closing anyway.
        }
        closeQuietly(s);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    @Override
    public void close() {
        closed = true;
        setMode(Mode.CUT);
        for (Socket s : sockets) {
            reset(s);
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }
}
