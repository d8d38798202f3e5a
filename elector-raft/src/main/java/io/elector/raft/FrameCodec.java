package io.elector.raft;

import io.elector.api.InvalidSettingException;
import io.elector.api.Names;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
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
    private final NameCache names = new NameCache();

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
        Writer out = WRITER.get().reset();
        out.putInt(0); // length, patched below
        out.put(MAGIC);
        out.putByte(VERSION);
        out.putShort(clusterIdBytes.length);
        out.put(clusterIdBytes);
        out.putInt(from);
        out.putShort(messages.size());
        for (Message m : messages) {
            writeMessage(out, m);
        }
        int bodyEnd = out.position();
        int length = bodyEnd - 4 + MAC_BYTES;
        if (length > MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("frame too large: " + length + " bytes");
        }
        byte[] frame = Arrays.copyOf(out.buffer(), bodyEnd + MAC_BYTES);
        Mac m = mac.get();
        m.update(frame, 4, bodyEnd - 4);
        try {
            m.doFinal(frame, bodyEnd);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("HMAC-SHA256 tag larger than " + MAC_BYTES + " bytes", e);
        }
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
            String cluster = readString(in, NameCache.PLAIN);
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

    private static void writeMessage(Writer out, Message m) {
        if (m instanceof Message.VoteRequest v) {
            out.putByte(VOTE_REQUEST);
            out.putString(v.election());
            out.putLong(v.term());
            out.putByte((v.preVote() ? 1 : 0) | (v.transfer() ? 2 : 0));
        } else if (m instanceof Message.VoteResponse v) {
            out.putByte(VOTE_RESPONSE);
            out.putString(v.election());
            out.putLong(v.term());
            out.putByte((v.preVote() ? 1 : 0) | (v.granted() ? 2 : 0));
        } else if (m instanceof Message.Heartbeat h) {
            out.putByte(HEARTBEAT);
            out.putString(h.election());
            out.putLong(h.term());
            out.putLong(h.sendNanos());
            out.putString(h.candidateId());
            writeMetadata(out, h.metadata());
            out.putLong(h.sinceMillis());
        } else if (m instanceof Message.HeartbeatAck a) {
            out.putByte(HEARTBEAT_ACK);
            out.putString(a.election());
            out.putLong(a.term());
            out.putLong(a.echoNanos());
            out.putByte((a.success() ? 1 : 0) | (a.candidate() ? 2 : 0));
        } else if (m instanceof Message.TimeoutNow t) {
            out.putByte(TIMEOUT_NOW);
            out.putString(t.election());
            out.putLong(t.term());
        } else if (m instanceof Message.LeaderQuery q) {
            out.putByte(LEADER_QUERY);
            out.putString(q.election());
        } else if (m instanceof Message.LeaderReport r) {
            out.putByte(LEADER_REPORT);
            out.putString(r.election());
            out.putLong(r.term());
            out.putByte(r.known() ? 1 : 0);
            out.putString(r.candidateId());
            writeMetadata(out, r.metadata());
            out.putLong(r.sinceMillis());
        } else {
            throw new IllegalArgumentException("unknown message " + m);
        }
    }

    private Message readMessage(ByteBuffer in) throws FrameException {
        byte type = in.get();
        String election = readString(in, NameCache.ELECTION);
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
                String candidate = readString(in, NameCache.CANDIDATE);
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
                String candidate = readString(in, known ? NameCache.CANDIDATE : NameCache.PLAIN);
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

    /**
     * Reads a u16-prefixed UTF-8 string that passes {@code checks} (see {@link NameCache}); names
     * seen before come from the cache, already checked.
     */
    private String readString(ByteBuffer in, int checks) throws FrameException {
        int n = in.getShort() & 0xffff;
        if (n > MAX_STRING_BYTES) {
            throw new FrameException("string too long: " + n + " bytes");
        }
        if (n > in.remaining()) {
            throw new FrameException("truncated frame");
        }
        byte[] a = in.array();
        int off = in.arrayOffset() + in.position();
        in.position(in.position() + n);
        if (n > NameCache.MAX_BYTES) {
            return check(decodeUtf8(a, off, n), checks);
        }
        int slot = NameCache.slot(a, off, n);
        String cached = names.get(slot, a, off, n, checks);
        if (cached != null) {
            return cached;
        }
        return names.put(slot, a, off, n, check(decodeUtf8(a, off, n), checks), checks);
    }

    private static String check(String s, int checks) {
        if ((checks & NameCache.ELECTION) != 0) {
            Names.election(s);
        }
        if ((checks & NameCache.CANDIDATE) != 0) {
            Names.candidate(s);
        }
        return s;
    }

    /** Strict UTF-8 (malformed input is refused, never replaced); ASCII, the usual case, directly. */
    private static String decodeUtf8(byte[] a, int off, int n) throws FrameException {
        boolean ascii = true;
        for (int i = off; i < off + n; i++) {
            if (a[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(a, off, n, StandardCharsets.ISO_8859_1);
        }
        try {
            return DECODER.get().reset().decode(ByteBuffer.wrap(a, off, n)).toString();
        } catch (CharacterCodingException e) {
            throw new FrameException("malformed UTF-8");
        }
    }

    private static final ThreadLocal<java.nio.charset.CharsetDecoder> DECODER =
            ThreadLocal.withInitial(() -> StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT));

    private static void writeMetadata(Writer out, Map<String, String> metadata) {
        out.putShort(metadata.size());
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            out.putString(e.getKey());
            out.putString(e.getValue());
        }
    }

    private Map<String, String> readMetadata(ByteBuffer in) throws FrameException {
        int n = in.getShort() & 0xffff;
        if (n == 0) {
            return Map.of();
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String k = readString(in, NameCache.PLAIN);
            String v = readString(in, NameCache.PLAIN);
            if (m.put(k, v) != null) {
                throw new FrameException("duplicate metadata key '" + k + "'");
            }
        }
        return Names.metadata(m);
    }

    private static final ThreadLocal<Writer> WRITER = ThreadLocal.withInitial(Writer::new);

    /**
     * A growable big-endian byte buffer for one frame at a time (per thread): no per-byte locking
     * as in a {@code ByteArrayOutputStream}, and ASCII strings are copied without an encoder.
     */
    private static final class Writer {
        private byte[] buf = new byte[4096];
        private int pos;

        Writer reset() {
            if (buf.length > 64 * 1024) {
                buf = new byte[4096]; // do not keep a buffer grown for one huge frame
            }
            pos = 0;
            return this;
        }

        int position() {
            return pos;
        }

        byte[] buffer() {
            return buf;
        }

        private void ensure(int n) {
            if (buf.length - pos < n) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
            }
        }

        void putByte(int b) {
            ensure(1);
            buf[pos++] = (byte) b;
        }

        void putShort(int v) {
            ensure(2);
            buf[pos++] = (byte) (v >>> 8);
            buf[pos++] = (byte) v;
        }

        void putInt(int v) {
            ensure(4);
            buf[pos++] = (byte) (v >>> 24);
            buf[pos++] = (byte) (v >>> 16);
            buf[pos++] = (byte) (v >>> 8);
            buf[pos++] = (byte) v;
        }

        void putLong(long v) {
            putInt((int) (v >>> 32));
            putInt((int) v);
        }

        void put(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        /** u16 length, then UTF-8; longer than {@link #MAX_STRING_BYTES} is refused. */
        void putString(String s) {
            int n = s.length();
            if (n <= MAX_STRING_BYTES) {
                ensure(2 + n);
                int start = pos + 2;
                boolean ascii = true;
                for (int i = 0; i < n; i++) {
                    char c = s.charAt(i);
                    if (c >= 0x80) {
                        ascii = false;
                        break;
                    }
                    buf[start + i] = (byte) c;
                }
                if (ascii) {
                    putShort(n);
                    pos += n;
                    return;
                }
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length > MAX_STRING_BYTES) {
                throw new IllegalArgumentException("string too long for a frame: " + b.length + " bytes");
            }
            putShort(b.length);
            put(b);
        }
    }
}
