package io.elector.zookeeper;

import io.elector.api.LeaderInfo;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.zookeeper.data.Stat;

/**
 * A candidate znode's data: {@code candidateId} then {@code \n} and the metadata as URL-encoded
 * {@code key=value} pairs joined by {@code &}. The fencing token is the znode's creation zxid and
 * the start time its creation time, both kept by ZooKeeper, not in the data.
 */
final class NodeData {
    private NodeData() {}

    static byte[] encode(String candidateId, Map<String, String> metadata) {
        StringBuilder sb = new StringBuilder(candidateId).append('\n');
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

    /** Empty if the data was not written by Elector (the node is then ignored as a leader). */
    static Optional<LeaderInfo> decode(String election, byte[] data, Stat stat) {
        if (data == null) {
            return Optional.empty();
        }
        String s = new String(data, StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        if (nl <= 0) {
            return Optional.empty();
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        String meta = s.substring(nl + 1);
        try {
            if (!meta.isEmpty()) {
                for (String pair : meta.split("&")) {
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        return Optional.empty();
                    }
                    metadata.put(
                            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.of(new LeaderInfo(
                election, s.substring(0, nl), stat.getCzxid(), metadata, Instant.ofEpochMilli(stat.getCtime())));
    }

    /** The sequence number ZooKeeper appended (the last 10 digits), or -1 if there is none. */
    static long sequence(String nodeName) {
        if (nodeName.length() < 10) {
            return -1;
        }
        try {
            return Long.parseLong(nodeName.substring(nodeName.length() - 10));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
