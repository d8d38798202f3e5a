package io.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link TcpTransport#send} writes on the calling thread (the node's loop) without ever blocking:
 * a peer that stops reading (SIGSTOP, a full socket) only fills the link's bounded backlog, whose
 * oldest frames are dropped whole, and the frames that do arrive are intact and in order.
 */
class TcpTransportBackpressureTest {
    private static final byte[] SECRET = "backpressure-test-secret-0123456".getBytes(StandardCharsets.UTF_8);
    private static final int FRAMES = 4_000;
    private static final int MESSAGES_PER_FRAME = 200; // ~5 KB a frame, ~20 MB in all: more than the socket buffers

    private static List<Message> frame(int seq) {
        List<Message> ms = new ArrayList<>(MESSAGES_PER_FRAME);
        for (int i = 0; i < MESSAGES_PER_FRAME; i++) {
            ms.add(new Message.VoteRequest("election-" + i, seq, false, false));
        }
        return ms;
    }

    @Test
    @Timeout(60) // a send that blocked would otherwise hang here: the peer reads only after the loop
    void sendNeverBlocksOnAPeerThatStopsReadingAndWhatArrivesIsWholeAndInOrder() throws Exception {
        FrameCodec codec = new FrameCodec("bp-cluster", SECRET);
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            InetSocketAddress peer = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
            TcpTransport transport = new TcpTransport(
                    1, Map.of(1, new InetSocketAddress(InetAddress.getLoopbackAddress(), 1), 2, peer), null, codec);
            transport.start(f -> List.of());
            try {
                transport.send(2, frame(0));
                server.setSoTimeout(10_000);
                try (Socket accepted = server.accept()) {
                    // The peer reads nothing while the sender pushes far more than the socket buffers hold.
                    long t0 = System.nanoTime();
                    for (int seq = 1; seq < FRAMES; seq++) {
                        transport.send(2, frame(seq));
                    }
                    long sendMillis = (System.nanoTime() - t0) / 1_000_000;
                    assertThat(sendMillis)
                            .as("sending %d frames to a peer that reads nothing must not block", FRAMES)
                            .isLessThan(20_000);

                    List<Long> seqs = readFrames(accepted, codec);
                    assertThat(seqs).as("frames that arrived").isNotEmpty().startsWith(0L);
                    assertThat(seqs).as("in order, none twice").isSorted().doesNotHaveDuplicates();
                    assertThat(seqs.get(seqs.size() - 1))
                            .as("the newest frame is never the one dropped")
                            .isEqualTo(FRAMES - 1L);
                    assertThat(seqs.size())
                            .as("the backlog is bounded, so some frames were dropped")
                            .isLessThan(FRAMES);
                }
            } finally {
                transport.close();
            }
        }
    }

    @Test
    @Timeout(60)
    void aFrameCutOffByABrokenConnectionIsNotContinuedOnTheNextOne() throws Exception {
        FrameCodec codec = new FrameCodec("bp-cluster", SECRET);
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            InetSocketAddress peer = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
            TcpTransport transport = new TcpTransport(
                    1, Map.of(1, new InetSocketAddress(InetAddress.getLoopbackAddress(), 1), 2, peer), null, codec);
            transport.start(f -> List.of());
            try {
                server.setSoTimeout(10_000);
                transport.send(2, frame(0));
                try (Socket first = server.accept()) {
                    // Fill the socket so that the backlog's head frame is half written, then break it.
                    for (int seq = 1; seq < FRAMES / 2; seq++) {
                        transport.send(2, frame(seq));
                    }
                    first.setSoLinger(true, 0); // reset, with unread data
                }
                try (Socket second = server.accept()) {
                    transport.send(2, frame(FRAMES));
                    List<Long> seqs = readFrames(second, codec); // every frame must pass its MAC
                    assertThat(seqs)
                            .as("frames on the new connection")
                            .isNotEmpty()
                            .isSorted();
                    assertThat(seqs.get(seqs.size() - 1)).isEqualTo((long) FRAMES);
                }
            } finally {
                transport.close();
            }
        }
    }

    /** Reads and authenticates frames until none arrives for a second; returns each frame's term. */
    private static List<Long> readFrames(Socket s, FrameCodec codec) throws Exception {
        s.setSoTimeout(1_000);
        DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < FRAMES + 1; i++) {
            int length;
            try {
                length = in.readInt();
            } catch (SocketTimeoutException | EOFException quiet) {
                return seqs;
            }
            FrameCodec.checkLength(length);
            byte[] payload = new byte[length];
            in.readFully(payload);
            Frame f = codec.decode(payload); // a torn frame would fail its MAC here
            assertThat(f.messages()).hasSize(MESSAGES_PER_FRAME);
            seqs.add(((Message.VoteRequest) f.messages().get(0)).term());
        }
        return seqs;
    }
}
