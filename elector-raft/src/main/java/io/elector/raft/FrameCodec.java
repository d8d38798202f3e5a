package io.elector.raft;

import io.elector.api.InvalidSettingException;
import io.elector.api.Names;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encodes and decodes frames. Layout of one frame on the wire (big-endian):
 *
 * <pre>
 *   int32  length of what follows (at most {@link #MAX_FRAME_BYTES})
 *   4      magic "ELRF"
 *   u8     version (1)
 *   u16+n  cluster id, UTF-8
 *   int32  sender node id (0: an observer)
 *   u16    message count, then each message: u8 type, fields
 *   32     HMAC-SHA256, keyed with the cluster secret, over everything after the length
 * </pre>
 *
 * <p>The MAC is checked before any field is parsed, in constant time; a frame whose MAC is right
 * but whose cluster id differs is refused too (two clusters sharing a secret still cannot mix).
 * Any violation is a {@link FrameException}, never another exception. Not covered: replay of a
 * captured frame by someone on the network path (messages carry terms, so a replayed message
 * of an old term is ignored; inside the same term it repeats what the sender already said).
 *
 * <p>Thread-safe.
 */
final class FrameCodec {
    static final int MAX_FRAME_BYTES = 1 << 20;
    static final int MAC_BYTES = 32;
    static final byte VERSION = 1;
    private static final byte[] MAGIC = {'E', 'L', 'R', 'F'};
    private static final int MAX_MESSAGES = 65_535;
    private static final int MAX_STRING_BYTES = 16_384;

    static final byte VOTE_REQUEST = 1;
    static final byte VOTE_RESPONSE = 2;
    static final byte HEARTBEAT = 3;
    static final byte HEARTBEAT_ACK = 4;
    static final byte TIMEOUT_NOW = 5;
    static final byte LEADER_QUERY = 6;
    static final byte LEADER_REPORT = 7;

    private final String clusterId;
    private final byte[] clusterIdBytes;
    private final ThreadLocal<Mac> mac;

    FrameCodec(String clusterId, byte[] secret) {
        if (secret == null || secret.length < 16) {
            throw new InvalidSettingException("cluster secret must be at least 16 bytes: "
                    + (secret == null ? "null" : secret.length + " bytes"));
        }
        this.clusterId = clusterId;
        this.clusterIdBytes = clusterId.getBytes(StandardCharsets.UTF_8);
        SecretKeySpec key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.mac = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(key);
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
            }
        });
    }

    /** The whole frame, length prefix included. */
    byte[] encode(int from, List<Message> messages) {
        if (messages.size() > MAX_MESSAGES) {
            throw new IllegalArgumentException("too many messages in one frame: " + messages.size());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 48 * messages.size());
        try {
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(0); // length, patched below
            out.write(MAGIC);
            out.writeByte(VERSION);
            out.writeShort(clusterIdBytes.length);
            out.write(clusterIdBytes);
            out.writeInt(from);
            out.writeShort(messages.size());
            for (Message m : messages) {
                writeMessage(out, m);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        byte[] body = bytes.toByteArray();
        Mac m = mac.get();
        m.update(body, 4, body.length - 4);
        byte[] tag = m.doFinal();
        int length = body.length - 4 + MAC_BYTES;
        if (length > MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("frame too large: " + length + " bytes");
        }
        byte[] frame = new byte[body.length + MAC_BYTES];
        System.arraycopy(body, 0, frame, 0, body.length);
        System.arraycopy(tag, 0, frame, body.length, MAC_BYTES);
        ByteBuffer.wrap(frame).putInt(0, length);
        return frame;
    }

    /** Checks the length announced by a frame's prefix before reading that many bytes. */
    static void checkLength(int length) throws FrameException {
        if (length < MAGIC.length + 1 + 2 + 4 + 2 + MAC_BYTES || length > MAX_FRAME_BYTES) {
            throw new FrameException("bad frame length " + length);
        }
    }

    /** Decodes what follows the length prefix. */
    Frame decode(byte[] payload) throws FrameException {
        checkLength(payload.length);
        for (int i = 0; i < MAGIC.length; i++) {
            if (payload[i] != MAGIC[i]) {
                throw new FrameException("not an elector-raft frame (bad magic)");
            }
        }
        if (payload[MAGIC.length] != VERSION) {
            throw new FrameException("unsupported frame version " + (payload[MAGIC.length] & 0xff));
        }
        int bodyLength = payload.length - MAC_BYTES;
        Mac m = mac.get();
        m.update(payload, 0, bodyLength);
        byte[] expected = m.doFinal();
        byte[] actual = new byte[MAC_BYTES];
        System.arraycopy(payload, bodyLength, actual, 0, MAC_BYTES);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new FrameException("authentication failed (wrong cluster secret or corrupted frame)");
        }
        ByteBuffer in = ByteBuffer.wrap(payload, MAGIC.length + 1, bodyLength - MAGIC.length - 1);
        try {
            String cluster = readString(in);
            if (!cluster.equals(clusterId)) {
                throw new FrameException("frame from another cluster '" + cluster + "'");
            }
            int from = in.getInt();
            int count = in.getShort() & 0xffff;
            List<Message> messages = new ArrayList<>(Math.min(count, 1024));
            for (int i = 0; i < count; i++) {
                messages.add(readMessage(in));
            }
            if (in.hasRemaining()) {
                throw new FrameException(in.remaining() + " unexpected bytes after the last message");
            }
            return new Frame(from, messages);
        } catch (BufferUnderflowException e) {
            throw new FrameException("truncated frame");
        } catch (IllegalArgumentException e) {
            throw new FrameException("invalid field: " + e.getMessage());
        }
    }

    private static void writeMessage(DataOutputStream out, Message m) throws IOException {
        if (m instanceof Message.VoteRequest v) {
            out.writeByte(VOTE_REQUEST);
            writeString(out, v.election());
            out.writeLong(v.term());
            out.writeByte((v.preVote() ? 1 : 0) | (v.transfer() ? 2 : 0));
        } else if (m instanceof Message.VoteResponse v) {
            out.writeByte(VOTE_RESPONSE);
            writeString(out, v.election());
            out.writeLong(v.term());
            out.writeByte((v.preVote() ? 1 : 0) | (v.granted() ? 2 : 0));
        } else if (m instanceof Message.Heartbeat h) {
            out.writeByte(HEARTBEAT);
            writeString(out, h.election());
            out.writeLong(h.term());
            out.writeLong(h.sendNanos());
            writeString(out, h.candidateId());
            writeMetadata(out, h.metadata());
            out.writeLong(h.sinceMillis());
        } else if (m instanceof Message.HeartbeatAck a) {
            out.writeByte(HEARTBEAT_ACK);
            writeString(out, a.election());
            out.writeLong(a.term());
            out.writeLong(a.echoNanos());
            out.writeByte((a.success() ? 1 : 0) | (a.candidate() ? 2 : 0));
        } else if (m instanceof Message.TimeoutNow t) {
            out.writeByte(TIMEOUT_NOW);
            writeString(out, t.election());
            out.writeLong(t.term());
        } else if (m instanceof Message.LeaderQuery q) {
            out.writeByte(LEADER_QUERY);
            writeString(out, q.election());
        } else if (m instanceof Message.LeaderReport r) {
            out.writeByte(LEADER_REPORT);
            writeString(out, r.election());
            out.writeLong(r.term());
            out.writeByte(r.known() ? 1 : 0);
            writeString(out, r.candidateId());
            writeMetadata(out, r.metadata());
            out.writeLong(r.sinceMillis());
        } else {
            throw new IllegalArgumentException("unknown message " + m);
        }
    }

    private static Message readMessage(ByteBuffer in) throws FrameException {
        byte type = in.get();
        String election = validElection(readString(in));
        switch (type) {
            case VOTE_REQUEST: {
                long term = term(in);
                int flags = flags(in, 3);
                return new Message.VoteRequest(election, term, (flags & 1) != 0, (flags & 2) != 0);
            }
            case VOTE_RESPONSE: {
                long term = term(in);
                int flags = flags(in, 3);
                return new Message.VoteResponse(election, term, (flags & 1) != 0, (flags & 2) != 0);
            }
            case HEARTBEAT: {
                long term = term(in);
                long send = in.getLong();
                String candidate = validCandidate(readString(in));
                Map<String, String> metadata = readMetadata(in);
                return new Message.Heartbeat(election, term, send, candidate, metadata, in.getLong());
            }
            case HEARTBEAT_ACK: {
                long term = term(in);
                long echo = in.getLong();
                int flags = flags(in, 3);
                return new Message.HeartbeatAck(election, term, echo, (flags & 1) != 0, (flags & 2) != 0);
            }
            case TIMEOUT_NOW:
                return new Message.TimeoutNow(election, term(in));
            case LEADER_QUERY:
                return new Message.LeaderQuery(election);
            case LEADER_REPORT: {
                long term = term(in);
                boolean known = flags(in, 1) != 0;
                String candidate = readString(in);
                if (known) {
                    Names.candidate(candidate);
                }
                Map<String, String> metadata = readMetadata(in);
                return new Message.LeaderReport(election, term, known, candidate, metadata, in.getLong());
            }
            default:
                throw new FrameException("unknown message type " + type);
        }
    }

    private static long term(ByteBuffer in) throws FrameException {
        long term = in.getLong();
        if (term < 0) {
            throw new FrameException("negative term " + term);
        }
        return term;
    }

    private static int flags(ByteBuffer in, int allowed) throws FrameException {
        int f = in.get() & 0xff;
        if ((f & ~allowed) != 0) {
            throw new FrameException("unknown flags " + f);
        }
        return f;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("string too long for a frame: " + b.length + " bytes");
        }
        out.writeShort(b.length);
        out.write(b);
    }

    private static String readString(ByteBuffer in) throws FrameException {
        int n = in.getShort() & 0xffff;
        if (n > MAX_STRING_BYTES) {
            throw new FrameException("string too long: " + n + " bytes");
        }
        if (n > in.remaining()) {
            throw new FrameException("truncated frame");
        }
        ByteBuffer slice = in.slice();
        slice.limit(n);
        in.position(in.position() + n);
        try {
            return DECODER.get().reset().decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw new FrameException("malformed UTF-8");
        }
    }

    private static final ThreadLocal<java.nio.charset.CharsetDecoder> DECODER =
            ThreadLocal.withInitial(() -> StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT));

    /**
     * Names already validated, so that the same election and candidate names, arriving in every
     * heartbeat, are checked once. Bounded: past the cap names are simply validated every time.
     */
    private static final int VALIDATED_CAP = 16_384;

    private static final Set<String> VALID_ELECTIONS = ConcurrentHashMap.newKeySet();
    private static final Set<String> VALID_CANDIDATES = ConcurrentHashMap.newKeySet();

    private static String validElection(String name) {
        if (!VALID_ELECTIONS.contains(name)) {
            Names.election(name);
            if (VALID_ELECTIONS.size() < VALIDATED_CAP) {
                VALID_ELECTIONS.add(name);
            }
        }
        return name;
    }

    private static String validCandidate(String id) {
        if (!VALID_CANDIDATES.contains(id)) {
            Names.candidate(id);
            if (VALID_CANDIDATES.size() < VALIDATED_CAP) {
                VALID_CANDIDATES.add(id);
            }
        }
        return id;
    }

    private static void writeMetadata(DataOutputStream out, Map<String, String> metadata) throws IOException {
        out.writeShort(metadata.size());
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
    }

    private static Map<String, String> readMetadata(ByteBuffer in) throws FrameException {
        int n = in.getShort() & 0xffff;
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String k = readString(in);
            String v = readString(in);
            if (m.put(k, v) != null) {
                throw new FrameException("duplicate metadata key '" + k + "'");
            }
        }
        return Names.metadata(m);
    }
}
