package io.elector.raft;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP transport. Each node listens on its own address; to talk to a peer it opens one
 * outbound connection and sends on it every message of every election, batched into frames
 * ({@link FrameCodec}: length-prefixed, versioned, HMAC-SHA256 with the cluster secret). Answers to
 * observer queries come back on the connection the query came in on.
 *
 * <p><b>Threads.</b> An accept thread; per inbound connection a reader thread (which also writes
 * the answers to queries); per peer a writer thread with a bounded queue (full: the oldest frame
 * is dropped, Raft retries) and a reader thread for answers. {@link #send} only enqueues.
 *
 * <p><b>Failure.</b> A frame that fails any check (length, magic, version, MAC, cluster id,
 * layout) closes its connection and is logged at WARN with the peer address, at most once a
 * minute per address; the node keeps running. Unreachable peers are retried with a backoff from
 * 5 ms to 50 ms; frames for them meanwhile are dropped.
 */
final class TcpTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(TcpTransport.class);
    private static final int MAX_INBOUND = 64;
    private static final int FIRST_FRAME_TIMEOUT_MS = 10_000;
    private static final int CONNECT_TIMEOUT_MS = 1_000;
    private static final long WARN_INTERVAL_NANOS = 60_000_000_000L;

    private final int selfId;
    private final Map<Integer, InetSocketAddress> addresses;
    private final InetSocketAddress bind;
    private final FrameCodec codec;
    private final Map<Integer, PeerLink> links = new ConcurrentHashMap<>();
    private final Set<Socket> inbound = ConcurrentHashMap.newKeySet();
    private final Map<InetAddress, Long> warned = new ConcurrentHashMap<>();
    private final AtomicInteger threads = new AtomicInteger();
    private volatile FrameHandler handler;
    private volatile ServerSocket server;
    private volatile boolean closed;

    /**
     * @param selfId this node's id, 0 for an observer
     * @param addresses every node's address (this node's included)
     * @param bind where to listen, {@code null} for an observer
     */
    TcpTransport(int selfId, Map<Integer, InetSocketAddress> addresses, InetSocketAddress bind, FrameCodec codec) {
        this.selfId = selfId;
        this.addresses = Map.copyOf(addresses);
        this.bind = bind;
        this.codec = codec;
    }

    @Override
    public void start(FrameHandler h) {
        this.handler = h;
        if (bind == null) {
            return;
        }
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(bind, 128);
            server = s;
        } catch (IOException e) {
            throw new RaftConfigException(
                    "raft node " + selfId + " cannot listen on " + bind + ": " + e.getMessage(), e);
        }
        thread("raft-accept-" + selfId, this::acceptLoop);
    }

    private Thread thread(String name, Runnable r) {
        Thread t = new Thread(r, name + "-" + threads.incrementAndGet());
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void send(int to, List<Message> messages) {
        if (closed || messages.isEmpty()) {
            return;
        }
        InetSocketAddress address = addresses.get(to);
        if (address == null || to == selfId) {
            return;
        }
        byte[] frame = codec.encode(selfId, messages);
        links.computeIfAbsent(to, id -> new PeerLink(id, address)).offer(frame);
    }

    @Override
    public void close() {
        closed = true;
        ServerSocket s = server;
        if (s != null) {
            closeQuietly(s);
        }
        for (Socket in : inbound) {
            closeQuietly(in);
        }
        for (PeerLink l : links.values()) {
            l.close();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("raft node {}: accept failed: {}", selfId, e.toString());
                }
                return;
            }
            if (inbound.size() >= MAX_INBOUND) {
                warnOnce(
                        s.getInetAddress(),
                        "too many inbound connections (" + MAX_INBOUND + "); refusing one from "
                                + s.getRemoteSocketAddress());
                closeQuietly(s);
                continue;
            }
            inbound.add(s);
            if (closed) {
                closeQuietly(s);
                return;
            }
            thread("raft-in-" + selfId, () -> readInbound(s));
        }
    }

    private void readInbound(Socket s) {
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(FIRST_FRAME_TIMEOUT_MS);
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            OutputStream out = s.getOutputStream();
            Integer sender = null;
            while (!closed) {
                Frame f = readFrame(in);
                if (sender == null) {
                    sender = f.from();
                    s.setSoTimeout(0);
                } else if (sender != f.from()) {
                    throw new FrameException(
                            "sender changed from " + sender + " to " + f.from() + " on one connection");
                }
                List<Message> replies = handler.onFrame(f);
                if (!replies.isEmpty() && !closed) {
                    out.write(codec.encode(selfId, replies));
                    out.flush();
                }
            }
        } catch (FrameException e) {
            warnOnce(
                    s.getInetAddress(),
                    "closing connection from " + s.getRemoteSocketAddress() + ": " + e.getMessage());
        } catch (EOFException | SocketException e) {
            log.debug("raft node {}: connection from {} ended: {}", selfId, s.getRemoteSocketAddress(), e.toString());
        } catch (IOException e) {
            log.debug("raft node {}: connection from {} failed: {}", selfId, s.getRemoteSocketAddress(), e.toString());
        } finally {
            inbound.remove(s);
            closeQuietly(s);
        }
    }

    private Frame readFrame(DataInputStream in) throws IOException, FrameException {
        int length = in.readInt();
        FrameCodec.checkLength(length);
        byte[] payload = new byte[length];
        in.readFully(payload);
        return codec.decode(payload);
    }

    private void warnOnce(InetAddress address, String message) {
        long now = System.nanoTime();
        Long last = warned.get(address);
        if (last == null || now - last - WARN_INTERVAL_NANOS > 0) {
            warned.put(address, now);
            log.warn("raft node {}: {}", selfId, message);
        } else {
            log.debug("raft node {}: {}", selfId, message);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // Closing a socket that is already broken; nothing to do.
        }
    }

    /** The outbound connection to one peer: a writer thread that (re)connects, and a reader for answers. */
    private final class PeerLink {
        private final int peer;
        private final InetSocketAddress address;
        private final java.util.concurrent.ArrayBlockingQueue<byte[]> queue =
                new java.util.concurrent.ArrayBlockingQueue<>(1024);
        private volatile Socket socket;
        private volatile boolean linkClosed;
        private final Thread writer;

        PeerLink(int peer, InetSocketAddress address) {
            this.peer = peer;
            this.address = address;
            this.writer = thread("raft-out-" + selfId + "-to-" + peer, this::writeLoop);
        }

        void offer(byte[] frame) {
            while (!queue.offer(frame)) {
                queue.poll(); // Full: drop the oldest; Raft resends what matters.
            }
        }

        private void writeLoop() {
            long backoffMs = 0;
            long retryAt = System.nanoTime();
            while (!linkClosed && !closed) {
                byte[] frame;
                try {
                    frame = queue.poll(500, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (frame == null) {
                    continue;
                }
                Socket s = socket;
                if (s == null) {
                    if (System.nanoTime() - retryAt < 0) {
                        continue; // peer unreachable: drop until the backoff ends
                    }
                    try {
                        s = connect();
                        backoffMs = 0;
                    } catch (IOException e) {
                        backoffMs = backoffMs == 0 ? 5 : Math.min(50, backoffMs * 2);
                        retryAt = System.nanoTime() + backoffMs * 1_000_000;
                        log.debug("raft node {}: cannot reach node {} at {}: {}", selfId, peer, address, e.toString());
                        continue;
                    }
                }
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(frame);
                    out.flush();
                } catch (IOException e) {
                    log.debug("raft node {}: connection to node {} broke: {}", selfId, peer, e.toString());
                    closeQuietly(s);
                    socket = null;
                }
            }
        }

        private Socket connect() throws IOException {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.connect(address, CONNECT_TIMEOUT_MS);
            } catch (IOException e) {
                closeQuietly(s);
                throw e;
            }
            if (linkClosed || closed) {
                closeQuietly(s);
                throw new SocketException("transport closed");
            }
            socket = s;
            Socket connected = s;
            thread("raft-out-reader-" + selfId + "-to-" + peer, () -> readAnswers(connected));
            return s;
        }

        private void readAnswers(Socket s) {
            try {
                DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
                while (!linkClosed && !closed) {
                    Frame f = readFrame(in);
                    if (f.from() != peer) {
                        throw new FrameException("answer from node " + f.from() + " on the connection to node " + peer);
                    }
                    handler.onFrame(f);
                }
            } catch (FrameException e) {
                warnOnce(s.getInetAddress(), "closing connection to " + address + ": " + e.getMessage());
            } catch (IOException e) {
                log.debug("raft node {}: connection to node {} ended: {}", selfId, peer, e.toString());
            } finally {
                closeQuietly(s);
                if (socket == s) {
                    socket = null;
                }
            }
        }

        void close() {
            linkClosed = true;
            writer.interrupt();
            Socket s = socket;
            if (s != null) {
                closeQuietly(s);
            }
        }
    }
}
