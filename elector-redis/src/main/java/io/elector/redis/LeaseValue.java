package io.elector.redis;

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
 * The string stored under a lease key: {@code token|holder|sinceMillis|metadata}, with the metadata
 * as URL-encoded {@code key=value} pairs joined by {@code &}. Written by the acquire script (which
 * adds token and time), read back here.
 */
final class LeaseValue {
    private LeaseValue() {}

    /** The prefix that identifies an owner in the scripts' ownership checks. */
    static String owner(long token, String holder) {
        return token + "|" + holder + "|";
    }

    static String encodeMetadata(Map<String, String> metadata) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /**
     * Parses a stored value; empty if it is not in our format (a key written by something else),
     * which callers treat as "held by someone unknown" so that nothing overwrites it.
     */
    static Optional<LeaderInfo> parse(String election, String value) {
        if (value == null) {
            return Optional.empty();
        }
        String[] parts = value.split("\\|", 4);
        if (parts.length != 4 || parts[1].isEmpty()) {
            return Optional.empty();
        }
        try {
            long token = Long.parseLong(parts[0]);
            long since = Long.parseLong(parts[2]);
            Map<String, String> metadata = new LinkedHashMap<>();
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
            return Optional.of(new LeaderInfo(election, parts[1], token, metadata, Instant.ofEpochMilli(since)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
