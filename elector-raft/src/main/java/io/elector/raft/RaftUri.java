package io.elector.raft;

import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the backend URI of the embedded Raft backend:
 *
 * <pre>
 *   raft://127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003?node=1
 * </pre>
 *
 * The addresses are the cluster's nodes in order: the first is node 1, the second node 2, and so
 * on. Parameters (all optional except the secret, which may come from the environment):
 *
 * <table>
 *   <caption>Parameters</caption>
 *   <tr><th>parameter</th><th>environment</th><th>meaning</th></tr>
 *   <tr><td>{@code node}</td><td></td><td>this process's node id (1-based position in the list);
 *       without it the process is an observer</td></tr>
 *   <tr><td>{@code secret}</td><td>{@code ELECTOR_RAFT_SECRET}</td><td>shared cluster secret, at
 *       least 16 bytes (prefer the environment: a URI may end up in logs; {@link #redact} hides it)</td></tr>
 *   <tr><td>{@code state}</td><td>{@code ELECTOR_RAFT_STATE_DIR}</td><td>state directory of this
 *       node; default {@code ./elector-raft-state/node-<id>}</td></tr>
 *   <tr><td>{@code cluster}</td><td></td><td>cluster id, default {@code elector}</td></tr>
 *   <tr><td>{@code heartbeat}</td><td></td><td>e.g. {@code 50ms} (default)</td></tr>
 *   <tr><td>{@code election-timeout}</td><td></td><td>e.g. {@code 150ms-300ms} (default)</td></tr>
 *   <tr><td>{@code drift}</td><td></td><td>clock drift bound, default {@code 0.01}</td></tr>
 *   <tr><td>{@code preferred}</td><td></td><td>{@code none} (default), {@code lowest-id} or
 *       {@code highest-priority}</td></tr>
 *   <tr><td>{@code priority}</td><td></td><td>{@code id:prio,...}, e.g. {@code 1:10,2:5}</td></tr>
 * </table>
 */
public final class RaftUri {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)");
    private static final Pattern ADDRESS = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):(\\d{1,5})");

    private RaftUri() {}

    /** Parses {@code uri} with the process environment. */
    public static RaftBackend.Builder parse(String uri) {
        return parse(uri, System.getenv());
    }

    /** Parses {@code uri}; {@code env} supplies {@code ELECTOR_RAFT_SECRET} and {@code ELECTOR_RAFT_STATE_DIR}. */
    public static RaftBackend.Builder parse(String uri, Map<String, String> env) {
        if (uri == null || !uri.startsWith("raft://")) {
            throw new RaftConfigException("a raft URI starts with raft:// : " + redact(uri));
        }
        String rest = uri.substring("raft://".length());
        int q = rest.indexOf('?');
        String hosts = q < 0 ? rest : rest.substring(0, q);
        Map<String, String> params = query(q < 0 ? "" : rest.substring(q + 1));
        if (hosts.endsWith("/")) {
            hosts = hosts.substring(0, hosts.length() - 1);
        }
        RaftBackend.Builder b = RaftBackend.builder();
        String[] parts = hosts.split(",", -1);
        Map<Integer, InetSocketAddress> peers = new LinkedHashMap<>();
        for (int i = 0; i < parts.length; i++) {
            Matcher m = ADDRESS.matcher(parts[i].trim());
            if (!m.matches()) {
                throw new RaftConfigException(
                        "raft URI: node " + (i + 1) + " must be host:port, got '" + parts[i] + "' in " + redact(uri));
            }
            String host = m.group(1).startsWith("[")
                    ? m.group(1).substring(1, m.group(1).length() - 1)
                    : m.group(1);
            int port = Integer.parseInt(m.group(2));
            if (port < 1 || port > 65535) {
                throw new RaftConfigException("raft URI: port of node " + (i + 1) + " must be 1-65535: " + port);
            }
            peers.put(i + 1, InetSocketAddress.createUnresolved(host, port));
        }
        b.peers(resolve(peers));
        int node = 0;
        if (params.containsKey("node")) {
            node = integer(params.remove("node"), "node");
            if (node < 1 || node > peers.size()) {
                throw new RaftConfigException("raft URI: node must be between 1 and " + peers.size() + ": " + node);
            }
            b.nodeId(node);
        }
        String secret = params.containsKey("secret") ? params.remove("secret") : env.get("ELECTOR_RAFT_SECRET");
        if (secret != null) {
            b.secret(secret);
        }
        if (node != 0) {
            String state = params.remove("state");
            if (state == null && env.get("ELECTOR_RAFT_STATE_DIR") != null) {
                state = env.get("ELECTOR_RAFT_STATE_DIR");
            }
            b.stateDir(state != null ? Path.of(state) : Path.of("elector-raft-state", "node-" + node));
        } else {
            params.remove("state");
        }
        String cluster = params.remove("cluster");
        if (cluster != null) {
            b.clusterId(cluster);
        }
        String hb = params.remove("heartbeat");
        if (hb != null) {
            b.heartbeat(duration(hb, "heartbeat"));
        }
        String et = params.remove("election-timeout");
        if (et != null) {
            String[] range = et.split("-", -1);
            if (range.length != 2) {
                throw new RaftConfigException("raft URI: election-timeout must be MIN-MAX, e.g. 150ms-300ms: " + et);
            }
            b.electionTimeout(duration(range[0], "election-timeout"), duration(range[1], "election-timeout"));
        }
        String drift = params.remove("drift");
        if (drift != null) {
            try {
                b.clockDriftBound(Double.parseDouble(drift));
            } catch (NumberFormatException e) {
                throw new RaftConfigException("raft URI: drift must be a number like 0.01: " + drift);
            }
        }
        String preferred = params.remove("preferred");
        if (preferred != null) {
            b.preferredLeader(preferred(preferred));
        }
        String priority = params.remove("priority");
        if (priority != null) {
            for (String p : priority.split(",", -1)) {
                String[] kv = p.split(":", -1);
                if (kv.length != 2) {
                    throw new RaftConfigException(
                            "raft URI: priority must be id:priority,... e.g. 1:10,2:5: " + priority);
                }
                b.priority(integer(kv[0], "priority node id"), integer(kv[1], "priority"));
            }
        }
        if (!params.isEmpty()) {
            throw new RaftConfigException("raft URI: unknown parameter(s) " + params.keySet() + "; known: node, secret,"
                    + " state, cluster, heartbeat, election-timeout, drift, preferred, priority");
        }
        return b;
    }

    /** The URI with any {@code secret=} value replaced by {@code ***}, safe to log. */
    public static String redact(String uri) {
        if (uri == null) {
            return "null";
        }
        return uri.replaceAll("([?&]secret=)[^&]*", "$1***");
    }

    private static Map<Integer, InetSocketAddress> resolve(Map<Integer, InetSocketAddress> unresolved) {
        Map<Integer, InetSocketAddress> out = new LinkedHashMap<>();
        for (Map.Entry<Integer, InetSocketAddress> e : unresolved.entrySet()) {
            InetSocketAddress a = new InetSocketAddress(
                    e.getValue().getHostString(), e.getValue().getPort());
            if (a.isUnresolved()) {
                throw new RaftConfigException("raft URI: cannot resolve host of node " + e.getKey() + ": "
                        + e.getValue().getHostString());
            }
            out.put(e.getKey(), a);
        }
        return out;
    }

    private static Map<String, String> query(String q) {
        Map<String, String> m = new LinkedHashMap<>();
        if (q.isEmpty()) {
            return m;
        }
        for (String kv : q.split("&", -1)) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new RaftConfigException("raft URI: parameter must be key=value: '"
                        + (kv.startsWith("secret") ? "secret=***" : kv) + "'");
            }
            String key = URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8);
            if (m.put(key, URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8)) != null) {
                throw new RaftConfigException("raft URI: parameter '" + key + "' given twice");
            }
        }
        return m;
    }

    private static int integer(String s, String field) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new RaftConfigException("raft URI: " + field + " must be an integer: '" + s + "'");
        }
    }

    private static Duration duration(String s, String field) {
        Matcher m = DURATION.matcher(s.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new RaftConfigException(
                    "raft URI: " + field + " must be a duration like 50ms, 2s or 1m: '" + s + "'");
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms":
                return Duration.ofMillis(n);
            case "s":
                return Duration.ofSeconds(n);
            default:
                return Duration.ofMinutes(n);
        }
    }

    private static PreferredLeader preferred(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "none":
                return PreferredLeader.NONE;
            case "lowest-id":
                return PreferredLeader.LOWEST_ID;
            case "highest-priority":
                return PreferredLeader.HIGHEST_PRIORITY;
            default:
                throw new RaftConfigException(
                        "raft URI: preferred must be none, lowest-id or highest-priority: '" + s + "'");
        }
    }
}
