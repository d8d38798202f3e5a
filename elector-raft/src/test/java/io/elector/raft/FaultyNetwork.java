package io.elector.raft;

import io.elector.time.FakeClock;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * An in-memory network for seeded simulations on a {@link FakeClock}: every frame goes through the
 * real codec, then may be dropped, delayed (which reorders), duplicated, or blocked by a full or
 * one-way partition. Deterministic for a given seed, because everything runs on the fake clock.
 */
final class FaultyNetwork {
    private static final byte[] SECRET = "simulation-cluster-secret-32byte".getBytes(StandardCharsets.UTF_8);
    private final FakeClock clock;
    private final SplittableRandom random;
    private final FrameCodec codec = new FrameCodec("sim", SECRET);
    private final Map<Integer, Transport.FrameHandler> handlers = new HashMap<>();
    private final Set<Long> blocked = new HashSet<>();
    private double dropRate;
    private double duplicateRate;
    private long minDelayNanos = 200_000;
    private long maxDelayNanos = 2_000_000;
    private Tap tap = (from, to, messages) -> {};

    /** Sees every frame sent, before faults apply. */
    @FunctionalInterface
    interface Tap {
        void sent(int from, int to, List<Message> messages);
    }

    FaultyNetwork(FakeClock clock, long seed) {
        this.clock = clock;
        this.random = new SplittableRandom(seed);
    }

    /** The transport of node {@code id} (0: an observer). */
    Transport endpoint(int id) {
        return new Transport() {
            @Override
            public void start(FrameHandler handler) {
                synchronized (FaultyNetwork.this) {
                    handlers.put(id, handler);
                }
            }

            @Override
            public void send(int to, List<Message> messages) {
                transmit(id, to, messages);
            }

            @Override
            public void close() {
                synchronized (FaultyNetwork.this) {
                    handlers.remove(id);
                }
            }
        };
    }

    synchronized void faults(double drop, double duplicate, long minDelayNanos, long maxDelayNanos) {
        this.dropRate = drop;
        this.duplicateRate = duplicate;
        this.minDelayNanos = minDelayNanos;
        this.maxDelayNanos = maxDelayNanos;
    }

    /** Blocks traffic from {@code from} to {@code to} only (a one-way partition). */
    synchronized void blockOneWay(int from, int to) {
        blocked.add(key(from, to));
    }

    /** Cuts {@code node} off from every other node, both ways. */
    synchronized void isolate(int node, Set<Integer> all) {
        for (int other : all) {
            if (other != node) {
                blocked.add(key(node, other));
                blocked.add(key(other, node));
            }
        }
    }

    /** Removes every partition and fault. */
    synchronized void heal() {
        blocked.clear();
        dropRate = 0;
        duplicateRate = 0;
        minDelayNanos = 200_000;
        maxDelayNanos = 2_000_000;
    }

    /** Observes every frame sent, for tests that look at the wire. */
    synchronized void tap(Tap t) {
        this.tap = t;
    }

    /** Delivers {@code messages} to {@code to} as if sent by {@code from} (a forged or scripted peer). */
    void inject(int from, int to, List<Message> messages) {
        transmit(from, to, messages);
    }

    private static long key(int from, int to) {
        return ((long) from << 32) | (to & 0xffffffffL);
    }

    private void transmit(int from, int to, List<Message> messages) {
        byte[] wire = codec.encode(from, messages);
        synchronized (this) {
            tap.sent(from, to, messages);
            if (blocked.contains(key(from, to)) || random.nextDouble() < dropRate) {
                return;
            }
            int copies = random.nextDouble() < duplicateRate ? 2 : 1;
            for (int i = 0; i < copies; i++) {
                long delay = minDelayNanos + random.nextLong(Math.max(1, maxDelayNanos - minDelayNanos));
                clock.schedule(() -> deliver(from, to, wire), delay);
            }
        }
    }

    private void deliver(int from, int to, byte[] wire) {
        Transport.FrameHandler h;
        synchronized (this) {
            h = handlers.get(to);
            if (h == null || blocked.contains(key(from, to))) {
                return;
            }
        }
        Frame frame;
        try {
            frame = codec.decode(Arrays.copyOfRange(wire, 4, wire.length));
        } catch (FrameException e) {
            throw new AssertionError("the simulation's own frame failed to decode", e);
        }
        List<Message> replies = h.onFrame(frame);
        if (!replies.isEmpty()) {
            transmit(to, from, replies);
        }
    }
}
