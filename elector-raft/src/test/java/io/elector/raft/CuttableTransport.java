package io.elector.raft;

import java.util.List;

/** Wraps a transport so a test can cut the node off the network (both directions) and heal it. */
final class CuttableTransport implements Transport {
    private final Transport inner;
    private volatile boolean cut;

    CuttableTransport(Transport inner) {
        this.inner = inner;
    }

    void cut(boolean value) {
        this.cut = value;
    }

    @Override
    public void start(FrameHandler handler) {
        inner.start(frame -> cut ? List.of() : handler.onFrame(frame));
    }

    @Override
    public void send(int to, List<Message> messages) {
        if (!cut) {
            inner.send(to, messages);
        }
    }

    @Override
    public void close() {
        inner.close();
    }
}
