package io.elector.raft;

import java.util.List;

/**
 * Carries frames between the nodes of one cluster. The seam between the Raft state machine and
 * the network: {@link TcpTransport} in production, a fault-injecting in-memory network in tests.
 *
 * <p>Delivery is best effort: messages may be lost, delayed, duplicated or reordered; Raft
 * tolerates all of these. {@link #send} never blocks.
 */
interface Transport extends AutoCloseable {

    /** Starts delivering inbound frames to {@code handler}. Called once. */
    void start(FrameHandler handler);

    /** Sends {@code messages} to node {@code to} as one frame; drops them if that is impossible now. */
    void send(int to, List<Message> messages);

    /** Stops sending and receiving. No frame is delivered after it returns (bounded wait). */
    @Override
    void close();

    /** Receives frames. */
    @FunctionalInterface
    interface FrameHandler {
        /**
         * Called on a transport thread for each authenticated frame; must not block. Returns the
         * messages to send back at once on the same connection (answers to observer queries, from
         * a snapshot), usually none.
         */
        List<Message> onFrame(Frame frame);
    }
}
