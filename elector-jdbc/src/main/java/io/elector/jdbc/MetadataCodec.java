package io.elector.jdbc;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Metadata as one text column: {@code key=value&key=value}, URL-encoded, keys sorted. Readable in a
 * SQL console and safe for any value.
 */
final class MetadataCodec {
    private MetadataCodec() {}

    static String encode(Map<String, String> metadata) {
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

    /** Decodes {@code text}; a malformed pair (written by hand) is skipped rather than failing the read. */
    static Map<String, String> decode(String text) {
        Map<String, String> out = new TreeMap<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            try {
                out.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException malformed) {
                // A hand-edited row with a bad escape: leave that pair out.
            }
        }
        return out;
    }
}
