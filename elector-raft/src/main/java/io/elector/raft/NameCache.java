package io.elector.raft;

import java.util.Arrays;

/**
 * Decoded strings by their UTF-8 bytes. The same election names and candidate ids arrive in every
 * heartbeat and ack; looking their bytes up here returns the same {@code String} instance each time
 * (its hash already computed, so the node's maps find it fast) and remembers which checks it has
 * passed (election name, candidate id), instead of decoding and checking it again per message.
 *
 * <p>A fixed table of {@value #SLOTS} immutable entries, indexed by a hash of the bytes; a
 * collision simply replaces the entry (the string is then decoded and checked again). Thread-safe
 * without locks: entries are immutable (final fields), so a racing reader sees an entry whole.
 */
final class NameCache {
    /** Longer strings are not cached (names are at most 128 ASCII characters). */
    static final int MAX_BYTES = 128;

    /** Check flags: none (a plain string), a valid election name, a valid candidate id. */
    static final int PLAIN = 0;

    static final int ELECTION = 1;
    static final int CANDIDATE = 2;
    private static final int SLOTS = 1024;

    private record Entry(byte[] bytes, String value, int checks) {}

    private final Entry[] slots = new Entry[SLOTS];

    static int slot(byte[] bytes, int off, int len) {
        int h = len;
        for (int i = off; i < off + len; i++) {
            h = 31 * h + bytes[i];
        }
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }

    /** The string of {@code bytes[off, off+len)} if cached and it passed {@code checks}, else null. */
    String get(int slot, byte[] bytes, int off, int len, int checks) {
        Entry e = slots[slot];
        if (e == null || (e.checks & checks) != checks) {
            return null;
        }
        return Arrays.equals(e.bytes, 0, e.bytes.length, bytes, off, off + len) ? e.value : null;
    }

    /** Remembers {@code value} (the strict decoding of the bytes), which passed {@code checks}. */
    String put(int slot, byte[] bytes, int off, int len, String value, int checks) {
        Entry e = slots[slot];
        if (e != null && e.value.equals(value)) {
            slots[slot] = new Entry(e.bytes, e.value, e.checks | checks);
            return e.value;
        }
        slots[slot] = new Entry(Arrays.copyOfRange(bytes, off, off + len), value, checks);
        return value;
    }
}
