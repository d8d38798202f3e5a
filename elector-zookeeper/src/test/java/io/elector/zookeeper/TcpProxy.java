package io.elector.zookeeper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy between one client and a server, for fault injection. {@link #blackhole()}
 * stops forwarding in both directions while keeping the connections open (the bytes wait, as TCP
 * would retransmit them across a partition); {@link #cut()} resets every connection and refuses new
 * ones; {@link #open()} forwards again. Only ever connects to a loopback target.
 */
final class TcpProxy implements AutoCloseable {
    enum Mode {
        OPEN,
        BLACKHOLE,
        CUT
    }

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile Mode mode = Mode.OPEN;
    private volatile boolean closed;

    TcpProxy(String host, int port) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("the proxy only targets loopback addresses: " + host);
        }
        this.target = new InetSocketAddress(address, port);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    Mode mode() {
        return mode;
    }

    /** Stops forwarding; connections stay open and bytes wait. */
    void blackhole() {
        mode = Mode.BLACKHOLE;
    }

    /** Resets every connection and refuses new ones until {@link #open()}. */
    void cut() {
        mode = Mode.CUT;
        closeAll();
    }

    /** Forwards again. */
    synchronized void open() {
        mode = Mode.OPEN;
        notifyAll();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (mode == Mode.CUT || closed) {
                reset(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 2000);
            } catch (IOException e) {
                reset(client);
                close(upstream);
                continue;
            }
            sockets.add(client);
            sockets.add(upstream);
            pump(client, upstream, "up");
            pump(upstream, client, "down");
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(
                () -> {
                    byte[] buf = new byte[16 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        while (true) {
                            int n = in.read(buf);
                            if (n < 0) {
                                break;
                            }
                            if (!awaitOpen()) {
                                break;
                            }
                            out.write(buf, 0, n);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // connection reset or closed: end of this direction
                    } finally {
                        close(from);
                        close(to);
                        sockets.remove(from);
                        sockets.remove(to);
                    }
                },
                "tcp-proxy-" + direction + "-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    /** Waits while blackholed; false if the proxy was cut or closed meanwhile. */
    private synchronized boolean awaitOpen() {
        while (mode == Mode.BLACKHOLE && !closed) {
            try {
                wait(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return mode == Mode.OPEN && !closed;
    }

    private void closeAll() {
        for (Socket s : sockets) {
            reset(s);
        }
        sockets.clear();
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0); // RST, as a dropped connection looks to the peer
        } catch (IOException e) {
            // already closed
        }
        close(s);
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            notifyAll();
        }
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        closeAll();
    }
}
