package io.elector.cli.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.elector.api.Election;
import io.elector.api.LeaderInfo;
import io.elector.api.Leadership;
import io.elector.cli.metrics.LeaderTimeline;
import io.elector.cli.metrics.MeteredLeaseStore.BackendHealth;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small HTTP endpoint for one election of this process:
 *
 * <ul>
 *   <li>{@code GET /health}: 200 {@code {"status":"UP"}} or 503 DOWN when the last backend call
 *       failed or this leader's lease is about to run out without renewal;
 *   <li>{@code GET /leader}: JSON with this candidate, the leader seen, its token and metadata, the
 *       timeline of recent leaderships and the peers' endpoints;
 *   <li>{@code GET /metrics}: Prometheus text format;
 *   <li>{@code GET /}: a status page that updates itself every second (it also asks the peers);
 *   <li>{@code POST /resign}: resigns this candidate's leadership (used by {@code elector resign}).
 * </ul>
 *
 * Binds to loopback unless told otherwise; it has no authentication, so do not expose it beyond
 * hosts you trust.
 */
public final class StatusServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;
    private volatile Election election;
    private volatile LeaderTimeline timeline;
    private final PrometheusMeterRegistry registry;
    private final BackendHealth health;
    private final Duration lease;
    private final String backend;
    private volatile List<String> peers = List.of();

    private StatusServer(
            HttpServer server, PrometheusMeterRegistry registry, BackendHealth health, Duration lease, String backend) {
        this.server = server;
        this.registry = registry;
        this.health = health;
        this.lease = lease;
        this.backend = backend;
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "elector-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /**
     * Starts serving on {@code bind:port} ({@code port} 0 picks a free port). Until {@link #attach}
     * it answers 503 (except {@code /metrics}).
     *
     * @param lease the configured lease; a leader with less than a fifth of it left reports DOWN
     * @param backend the backend URI without passwords, for display
     */
    public static StatusServer create(
            String bind,
            int port,
            PrometheusMeterRegistry registry,
            BackendHealth health,
            Duration lease,
            String backend)
            throws IOException {
        StatusServer s = new StatusServer(
                HttpServer.create(new InetSocketAddress(bind, port), 16), registry, health, lease, backend);
        s.server.start();
        return s;
    }

    /** Starts reporting on {@code election}. */
    public void attach(Election election, LeaderTimeline timeline) {
        this.timeline = timeline;
        this.election = election;
    }

    /** The port served. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The base URL, like {@code http://127.0.0.1:8080}. */
    public String url() {
        return "http://" + server.getAddress().getHostString() + ":" + port();
    }

    /** Other nodes' base URLs, shown on the status page. */
    public void peers(List<String> urls) {
        this.peers = List.copyOf(urls);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            Election election = this.election;
            if (election == null && !path.equals("/metrics")) {
                send(ex, 503, "text/plain", "starting\n");
            } else if (method.equals("POST") && path.equals("/resign")) {
                boolean wasLeader = election.isLeader();
                election.resign();
                send(ex, 200, "application/json", Json.write(Map.of("resigned", wasLeader)));
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                send(ex, 405, "text/plain", "method not allowed\n");
            } else if (path.equals("/health")) {
                Map<String, Object> h = health(election);
                send(ex, "UP".equals(h.get("status")) ? 200 : 503, "application/json", Json.write(h));
            } else if (path.equals("/leader")) {
                send(ex, 200, "application/json", Json.write(leader()));
            } else if (path.equals("/metrics")) {
                send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
            } else if (path.equals("/") || path.equals("/index.html")) {
                send(ex, 200, "text/html; charset=utf-8", page());
            } else {
                send(ex, 404, "text/plain", "not found\n");
            }
        }
    }

    private Map<String, Object> health(Election election) {
        Map<String, Object> h = new LinkedHashMap<>();
        Optional<String> error = health.lastError();
        Optional<Leadership> l = election.leadership();
        // Only lease-style backends (whose store calls are metered) run on --lease; Raft's lease is
        // its election timeout, always far below a fifth of --lease.
        boolean leaseStyle = health.lastSuccess().isPresent() || error.isPresent();
        boolean lowLease = leaseStyle && l.isPresent() && l.get().remaining().compareTo(lease.dividedBy(5)) < 0;
        h.put("status", error.isEmpty() && !lowLease ? "UP" : "DOWN");
        h.put("leader", l.isPresent());
        h.put("leaseRemainingMs", l.map(x -> x.remaining().toMillis()).orElse(0L));
        h.put("backendError", error.orElse(null));
        return h;
    }

    /** The JSON served at {@code /leader}. */
    public Map<String, Object> leader() {
        Election election = this.election;
        LeaderTimeline timeline = this.timeline;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("election", election.name());
        m.put("candidate", election.candidateId());
        m.put("backend", backend);
        Optional<Leadership> l = election.leadership();
        m.put("isLeader", l.isPresent());
        m.put("token", l.map(Leadership::fencingToken).orElse(null));
        m.put("leaseRemainingMs", l.map(x -> x.remaining().toMillis()).orElse(null));
        Optional<LeaderInfo> seen = election.leader();
        m.put("leader", seen.map(StatusServer::info).orElse(null));
        List<Object> rows = new ArrayList<>();
        for (LeaderTimeline.Entry e : timeline.entries()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("candidate", e.candidateId());
            row.put("token", e.token());
            row.put("since", e.since().toString());
            row.put("seenAt", e.seenAt().toString());
            row.put("until", e.until().map(Object::toString).orElse(null));
            rows.add(row);
        }
        m.put("timeline", rows);
        m.put("self", url());
        m.put("peers", peers);
        return m;
    }

    private static Map<String, Object> info(LeaderInfo i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("candidate", i.candidateId());
        m.put("token", i.fencingToken());
        m.put("since", i.since().toString());
        m.put("metadata", i.metadata());
        return m;
    }

    private static String page() {
        try (InputStream in = StatusServer.class.getResourceAsStream("status.html")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        // The status page of one node reads its peers' /leader.
        ex.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
