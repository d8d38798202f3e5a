package io.elector.azure;

import io.elector.api.LeaderInfo;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Elector state in a blob's metadata: {@code elector_token} (decimal fencing token), {@code
 * elector_holder} (candidate id, percent-encoded), {@code elector_since} (epoch milliseconds) and
 * {@code elector_meta} (the holder's metadata as percent-encoded {@code k=v&k=v}). Metadata values
 * must be ASCII, hence the encoding. Keys of other writers are kept as they are.
 */
final class LeaseMetadata {
    static final String TOKEN = "elector_token";
    static final String HOLDER = "elector_holder";
    static final String SINCE = "elector_since";
    static final String META = "elector_meta";
    static final String LEASE = "elector_lease";
    static final String RELEASED = "elector_released";
    /** Assumed when an older writer left no lease duration: Azure's longest. */
    static final int MAX_LEASE_SECONDS = 60;

    /** What a blob's metadata says. */
    sealed interface State permits Absent, Valid, Garbage {}

    /** No Elector keys at all: a new (or re-created) blob. */
    record Absent() implements State {}

    record Valid(
            long token,
            String holder,
            long sinceMillis,
            Map<String, String> metadata,
            int leaseSeconds,
            boolean released)
            implements State {
        LeaderInfo info(String election) {
            return new LeaderInfo(election, holder, token, metadata, Instant.ofEpochMilli(sinceMillis));
        }
    }

    /** Elector keys that do not parse: nothing is written over them. */
    record Garbage(String problem) implements State {}

    private LeaseMetadata() {}

    static State parse(Map<String, String> raw) {
        Map<String, String> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (raw != null) {
            m.putAll(raw);
        }
        String token = m.get(TOKEN);
        String holder = m.get(HOLDER);
        String since = m.get(SINCE);
        String meta = m.get(META);
        String lease = m.get(LEASE);
        if (token == null && holder == null && since == null && meta == null) {
            return new Absent();
        }
        if (token == null || holder == null || since == null) {
            return new Garbage("metadata has some Elector keys but not all of " + TOKEN + ", " + HOLDER + ", " + SINCE);
        }
        long t;
        long s;
        try {
            t = Long.parseLong(token.trim());
            s = Long.parseLong(since.trim());
        } catch (NumberFormatException e) {
            return new Garbage(
                    TOKEN + "=" + shorten(token) + ", " + SINCE + "=" + shorten(since) + ": not decimal numbers");
        }
        if (t <= 0) {
            return new Garbage(TOKEN + "=" + t + " is not a positive token");
        }
        String h;
        Map<String, String> md;
        try {
            h = URLDecoder.decode(holder.trim(), StandardCharsets.UTF_8);
            md = decodeMap(meta == null ? "" : meta.trim());
        } catch (IllegalArgumentException e) {
            return new Garbage(HOLDER + " or " + META + " is not percent-encoded: " + e.getMessage());
        }
        if (h.isEmpty()) {
            return new Garbage(HOLDER + " is empty");
        }
        int leaseSeconds = MAX_LEASE_SECONDS;
        if (lease != null) {
            try {
                leaseSeconds = Integer.parseInt(lease.trim());
            } catch (NumberFormatException e) {
                leaseSeconds = -1;
            }
            if (leaseSeconds < 1 || leaseSeconds > MAX_LEASE_SECONDS) {
                return new Garbage(LEASE + "=" + shorten(lease) + " is not 1-60 seconds");
            }
        }
        return new Valid(t, h, s, md, leaseSeconds, "1".equals(m.get(RELEASED)));
    }

    /**
     * The metadata to write for a new leadership: the Elector keys, plus every key of {@code
     * previous} that is not Elector's (Azure replaces the whole set on each write).
     */
    static Map<String, String> encode(
            Map<String, String> previous,
            long token,
            String holder,
            long sinceMillis,
            Map<String, String> meta,
            int leaseSeconds) {
        Map<String, String> out = new HashMap<>();
        if (previous != null) {
            for (Map.Entry<String, String> e : previous.entrySet()) {
                String k = e.getKey().toLowerCase(Locale.ROOT);
                if (!k.equals(TOKEN)
                        && !k.equals(HOLDER)
                        && !k.equals(SINCE)
                        && !k.equals(META)
                        && !k.equals(LEASE)
                        && !k.equals(RELEASED)) {
                    out.put(e.getKey(), e.getValue());
                }
            }
        }
        out.put(LEASE, Integer.toString(leaseSeconds));
        out.put(TOKEN, Long.toString(token));
        out.put(HOLDER, URLEncoder.encode(holder, StandardCharsets.UTF_8));
        out.put(SINCE, Long.toString(sinceMillis));
        out.put(META, encodeMap(meta));
        return out;
    }

    /** The same metadata marked as released (the lease was given back on purpose). */
    static Map<String, String> released(Map<String, String> written) {
        Map<String, String> out = new HashMap<>(written);
        out.put(RELEASED, "1");
        return out;
    }

    static String encodeMap(Map<String, String> meta) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(meta).entrySet()) {
            if (b.length() > 0) {
                b.append('&');
            }
            b.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    static Map<String, String> decodeMap(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        if (s.isEmpty()) {
            return out;
        }
        for (String pair : s.split("&", -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("entry without key=value: " + shorten(pair));
            }
            out.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    static String shorten(String s) {
        if (s == null) {
            return "null";
        }
        String v = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return "'" + v + "'";
    }
}
