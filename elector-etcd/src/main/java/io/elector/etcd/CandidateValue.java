package io.elector.etcd;

import io.elector.api.LeaderInfo;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A candidate key's value: {@code elector1}, then {@code \n}, the candidate id, {@code \n}, the
 * wall time of the put in epoch milliseconds (for display only), {@code \n} and the metadata as
 * URL-encoded {@code key=value} pairs joined by {@code &}. The fencing token is the key's create
 * revision, kept by etcd, not in the value.
 */
final class CandidateValue {
    private static final String MAGIC = "elector1";

    private CandidateValue() {}

    static byte[] encode(String candidateId, Map<String, String> metadata, Instant now) {
        StringBuilder sb = new StringBuilder(MAGIC)
                .append('\n')
                .append(candidateId)
                .append('\n')
                .append(now.toEpochMilli())
                .append('\n');
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
            if (!first) {
                sb.append('&');
            }
            first = false;
            sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Empty if the value was not written by Elector (the key is then not reported as a leader). */
    static Optional<LeaderInfo> decode(String election, byte[] value, long createRevision) {
        if (value == null) {
            return Optional.empty();
        }
        String[] parts = new String(value, StandardCharsets.UTF_8).split("\n", -1);
        if (parts.length != 4 || !parts[0].equals(MAGIC) || parts[1].isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        try {
            long since = Long.parseLong(parts[2]);
            if (!parts[3].isEmpty()) {
                for (String pair : parts[3].split("&")) {
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        return Optional.empty();
                    }
                    metadata.put(
                            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            return Optional.of(
                    new LeaderInfo(election, parts[1], createRevision, metadata, Instant.ofEpochMilli(since)));
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            return Optional.empty();
        }
    }
}
