package io.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The frame decoder: round trips, and fuzzing (it throws only {@link FrameException}, never crashes). */
class FrameCodecTest {
    private static final byte[] SECRET = "a-cluster-secret-of-32-bytes-xxx".getBytes(StandardCharsets.UTF_8);
    private final FrameCodec codec = new FrameCodec("test-cluster", SECRET);

    private static byte[] payload(byte[] frame) {
        return Arrays.copyOfRange(frame, 4, frame.length);
    }

    @Provide
    Arbitrary<Message> messages() {
        Arbitrary<String> election = Arbitraries.strings()
                .withCharRange('a', 'z')
                .numeric()
                .ofMinLength(1)
                .ofMaxLength(40);
        Arbitrary<Long> term = Arbitraries.longs().between(0, Long.MAX_VALUE);
        Arbitrary<Boolean> flag = Arbitraries.of(true, false);
        Arbitrary<Map<String, String>> meta = Arbitraries.maps(
                        Arbitraries.strings()
                                .withCharRange('a', 'z')
                                .ofMinLength(1)
                                .ofMaxLength(8),
                        Arbitraries.strings().ofMaxLength(20))
                .ofMaxSize(3);
        return Arbitraries.oneOf(
                Combinators.combine(election, term, flag, flag).as(Message.VoteRequest::new),
                Combinators.combine(election, term, flag, flag).as(Message.VoteResponse::new),
                Combinators.combine(election, term, Arbitraries.longs(), meta, Arbitraries.longs())
                        .as((e, t, s, m, since) -> new Message.Heartbeat(e, t, s, "cand-1", m, since)),
                Combinators.combine(election, term, Arbitraries.longs(), flag, flag)
                        .as(Message.HeartbeatAck::new),
                Combinators.combine(election, term).as(Message.TimeoutNow::new),
                election.map(Message.LeaderQuery::new),
                Combinators.combine(election, term, meta, Arbitraries.longs())
                        .as((e, t, m, since) -> new Message.LeaderReport(e, t, true, "leader-x", m, since)));
    }

    @Property(tries = 300)
    void everyFrameRoundTrips(
            @ForAll @IntRange(min = 0, max = 9) int from, @ForAll @Size(max = 20) List<@From("messages") Message> ms)
            throws Exception {
        Frame decoded = codec.decode(payload(codec.encode(from, ms)));
        assertThat(decoded.from()).isEqualTo(from);
        assertThat(decoded.messages()).isEqualTo(ms);
    }

    @Property(tries = 1000)
    void randomBytesAreRejectedWithAFrameException(@ForAll @Size(max = 400) byte[] garbage) {
        decodeExpectingOnlyFrameException(garbage);
    }

    @Property(tries = 1000)
    void flippedBitsAreRejected(
            @ForAll @Size(min = 1, max = 5) List<@From("messages") Message> ms,
            @ForAll @IntRange(min = 0, max = 100_000) int position,
            @ForAll @IntRange(min = 0, max = 7) int bit) {
        byte[] p = payload(codec.encode(1, ms));
        p[position % p.length] ^= (byte) (1 << bit);
        assertThatThrownBy(() -> codec.decode(p)).isInstanceOf(FrameException.class);
    }

    /**
     * Structure fuzzing past the MAC: random bodies that carry a valid MAC (as a peer holding the
     * secret but sending garbage would) reach the parser, which must still only throw FrameException.
     */
    @Property(tries = 3000)
    void authenticatedGarbageBodiesAreRejectedCleanly(
            @ForAll @Size(max = 300) byte[] body, @ForAll @IntRange(min = 0, max = 8) int type) throws Exception {
        byte[] cluster = "test-cluster".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + 2 + cluster.length + 4 + 2 + 1 + body.length);
        b.put(new byte[] {'E', 'L', 'R', 'F', 1});
        b.putShort((short) cluster.length).put(cluster).putInt(1).putShort((short) 1);
        b.put((byte) type).put(body);
        byte[] unsigned = b.array();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        byte[] tag = mac.doFinal(unsigned);
        byte[] p = Arrays.copyOf(unsigned, unsigned.length + tag.length);
        System.arraycopy(tag, 0, p, unsigned.length, tag.length);
        decodeExpectingOnlyFrameException(p);
    }

    private void decodeExpectingOnlyFrameException(byte[] p) {
        try {
            codec.decode(p);
        } catch (FrameException expected) {
            // the only allowed failure
        } catch (RuntimeException | Error e) {
            throw new AssertionError("decoder crashed on " + Arrays.toString(p), e);
        }
    }

    @Property(tries = 50)
    void framesOfAnotherSecretOrClusterAreRefused(@ForAll @Size(min = 1, max = 5) List<@From("messages") Message> ms) {
        byte[] otherSecret = payload(
                new FrameCodec("test-cluster", "another-secret-of-enough-bytes!!".getBytes(StandardCharsets.UTF_8))
                        .encode(1, ms));
        assertThatThrownBy(() -> codec.decode(otherSecret))
                .isInstanceOf(FrameException.class)
                .hasMessageContaining("authentication failed");
        byte[] otherCluster = payload(new FrameCodec("other-cluster", SECRET).encode(1, ms));
        assertThatThrownBy(() -> codec.decode(otherCluster))
                .isInstanceOf(FrameException.class)
                .hasMessageContaining("another cluster 'other-cluster'");
    }

    @Property(tries = 20)
    void announcedLengthsOutsideTheLimitsAreRefused(@ForAll @IntRange(min = FrameCodec.MAX_FRAME_BYTES + 1) int big) {
        assertThatThrownBy(() -> FrameCodec.checkLength(big)).isInstanceOf(FrameException.class);
        assertThatThrownBy(() -> FrameCodec.checkLength(-1)).isInstanceOf(FrameException.class);
        assertThatThrownBy(() -> FrameCodec.checkLength(3)).isInstanceOf(FrameException.class);
    }
}
