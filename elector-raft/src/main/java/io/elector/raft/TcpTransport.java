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
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
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
 * the answers to queries); per peer one link thread that connects, reads answers and writes what a
 * non-blocking write could not take at once. {@link #send} encodes and writes on the calling
 * thread without blocking (the socket full or not connected: the frame is queued, bounded; full:
 * the oldest frame not yet begun is dropped, Raft retries), so a frame costs no thread hand-off.
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

    /**
     * The outbound connection to one peer. {@link #offer} writes the frame at once on the calling
     * thread (a non-blocking write: the loop never waits for the network); only what the socket
     * cannot take now, and frames offered while there is no connection, are queued for the link's
     * thread, which (re)connects, writes the rest when the socket is writable, and reads answers.
     * An idle link's thread sleeps: sending a frame costs no thread hand-off.
     */
    private final class PeerLink {
        private static final int MAX_PENDING = 1024;
        private final int peer;
        private final InetSocketAddress address;
        private final Selector selector;
        private final Object lock = new Object();
        private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>(); // guarded by lock
        private SocketChannel channel; // guarded by lock; null while not connected
        private SelectionKey key; // guarded by lock
        private ByteBuffer answers = ByteBuffer.allocate(64 * 1024); // link thread only
        private volatile boolean linkClosed;
        private final Thread thread;

        PeerLink(int peer, InetSocketAddress address) {
            this.peer = peer;
            this.address = address;
            try {
                this.selector = Selector.open();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot open a selector", e);
            }
            this.thread = thread("raft-out-" + selfId + "-to-" + peer, this::run);
        }

        void offer(byte[] frame) {
            ByteBuffer b = ByteBuffer.wrap(frame);
            synchronized (lock) {
                if (channel != null && pending.isEmpty()) {
                    try {
                        channel.write(b);
                    } catch (IOException e) {
                        log.debug("raft node {}: connection to node {} broke: {}", selfId, peer, e.toString());
                        disconnect();
                        return; // this frame is lost; Raft resends what matters
                    }
                    if (!b.hasRemaining()) {
                        return;
                    }
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                }
                pending.add(b);
                if (pending.size() > MAX_PENDING) {
                    dropOldest();
                }
            }
            selector.wakeup();
        }

        /** Full: drops the oldest frame not yet begun (a begun one must finish, or the stream breaks). */
        private void dropOldest() {
            ByteBuffer head = pending.poll();
            if (head.position() > 0) {
                pending.poll();
                pending.addFirst(head);
            }
        }

        private void run() {
            long backoffMs = 0;
            long retryAt = System.nanoTime();
            while (!linkClosed && !closed) {
                boolean connected;
                boolean waiting;
                synchronized (lock) {
                    connected = channel != null;
                    waiting = !pending.isEmpty();
                }
                if (!connected && waiting) {
                    if (System.nanoTime() - retryAt < 0) {
                        dropPending(); // peer unreachable: drop until the backoff ends
                    } else {
                        try {
                            connect();
                            backoffMs = 0;
                        } catch (IOException e) {
                            dropPending();
                            backoffMs = backoffMs == 0 ? 5 : Math.min(50, backoffMs * 2);
                            retryAt = System.nanoTime() + backoffMs * 1_000_000;
                            log.debug(
                                    "raft node {}: cannot reach node {} at {}: {}",
                                    selfId,
                                    peer,
                                    address,
                                    e.toString());
                        }
                    }
                }
                try {
                    selector.select(5_000); // woken by offer() and close(); the timeout is only a safety net
                } catch (IOException e) {
                    log.warn("raft node {}: selector of the link to node {} failed: {}", selfId, peer, e.toString());
                    return;
                }
                for (SelectionKey k : selector.selectedKeys()) {
                    if (k.isValid() && k.isReadable()) {
                        readAnswers((SocketChannel) k.channel());
                    }
                    if (k.isValid() && k.isWritable()) {
                        writePending();
                    }
                }
                selector.selectedKeys().clear();
            }
            synchronized (lock) {
                disconnect();
                pending.clear();
            }
            closeQuietly(selector);
        }

        private void dropPending() {
            synchronized (lock) {
                pending.clear();
            }
        }

        /** Blocking connect (bounded by the timeout), then non-blocking for writes and answers. */
        private void connect() throws IOException {
            SocketChannel c = SocketChannel.open();
            try {
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                c.socket().connect(address, CONNECT_TIMEOUT_MS);
                c.configureBlocking(false);
                if (linkClosed || closed) {
                    throw new SocketException("transport closed");
                }
                synchronized (lock) {
                    answers.clear();
                    channel = c;
                    key = c.register(selector, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                }
            } catch (IOException | RuntimeException e) {
                closeQuietly(c);
                throw e;
            }
        }

        /** On the link thread: the socket can take more; write what is queued. */
        private void writePending() {
            synchronized (lock) {
                if (channel == null) {
                    return;
                }
                try {
                    while (!pending.isEmpty()) {
                        ByteBuffer b = pending.peek();
                        channel.write(b);
                        if (b.hasRemaining()) {
                            return; // still full: OP_WRITE stays on
                        }
                        pending.poll();
                    }
                    key.interestOps(SelectionKey.OP_READ);
                } catch (IOException e) {
                    log.debug("raft node {}: connection to node {} broke: {}", selfId, peer, e.toString());
                    disconnect();
                }
            }
        }

        /** On the link thread: answers (to an observer's queries) arrived; hand over every whole frame. */
        private void readAnswers(SocketChannel c) {
            try {
                int n = c.read(answers);
                if (n < 0) {
                    throw new EOFException("closed by the peer");
                }
                answers.flip();
                while (answers.remaining() >= 4) {
                    int length = answers.getInt(answers.position());
                    FrameCodec.checkLength(length);
                    if (answers.remaining() < 4 + length) {
                        if (answers.capacity() < 4 + length) {
                            ByteBuffer bigger = ByteBuffer.allocate(4 + length);
                            bigger.put(answers);
                            answers = bigger;
                            return; // already compacted into the bigger buffer
                        }
                        break;
                    }
                    answers.getInt();
                    byte[] payload = new byte[length];
                    answers.get(payload);
                    Frame f = codec.decode(payload);
                    if (f.from() != peer) {
                        throw new FrameException("answer from node " + f.from() + " on the connection to node " + peer);
                    }
                    handler.onFrame(f);
                }
                answers.compact();
            } catch (FrameException e) {
                warnOnce(address.getAddress(), "closing connection to " + address + ": " + e.getMessage());
                synchronized (lock) {
                    disconnect();
                }
            } catch (IOException e) {
                log.debug("raft node {}: connection to node {} ended: {}", selfId, peer, e.toString());
                synchronized (lock) {
                    disconnect();
                }
            }
        }

        /**
         * Under the lock: forgets the connection. Queued frames go out on the next one, except a
         * frame already begun on this one: its rest alone would be garbage on a new connection.
         */
        private void disconnect() {
            ByteBuffer head = pending.peek();
            if (head != null && head.position() > 0) {
                pending.poll();
            }
            if (key != null) {
                key.cancel();
                key = null;
            }
            if (channel != null) {
                closeQuietly(channel);
                channel = null;
            }
        }

        void close() {
            linkClosed = true;
            selector.wakeup();
            synchronized (lock) {
                disconnect();
            }
        }
    }
}
