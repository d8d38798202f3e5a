package io.elector.core;

import io.elector.api.Election;
import io.elector.api.ElectionObserver;
import io.elector.api.ElectionSettings;
import io.elector.api.ElectorException;
import io.elector.api.InvalidSettingException;
import io.elector.api.Names;
import io.elector.spi.Backend;
import io.elector.spi.JoinRequest;
import io.elector.spi.ObserveRequest;
import io.elector.time.ElectorRuntime;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The entry point: one process's candidacy in any number of elections of one backend.
 *
 * <pre>{@code
 * try (Elector elector = Elector.builder(InMemoryBackend.create()).candidateId("node-1").build()) {
 *     Election election = elector.join("weather-writer");
 *     election.runWhileLeader(leadership -> writeReadings(leadership.fencingToken()));
 * }
 * }</pre>
 *
 * <p>Thread-safe. Closing the elector closes its elections (resigning where it leads), then the
 * backend, then the runtime if the elector created it.
 */
public final class Elector implements AutoCloseable {
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Backend backend;
    private final String candidateId;
    private final Map<String, String> metadata;
    private final ElectionSettings defaults;
    private final ElectorRuntime runtime;
    private final boolean ownsRuntime;
    private final boolean ownsBackend;
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private Elector(Builder b) {
        this.backend = b.backend;
        this.candidateId = b.candidateId != null ? b.candidateId : defaultCandidateId();
        this.metadata = Names.metadata(b.metadata);
        this.defaults = b.settings;
        this.ownsRuntime = b.runtime == null;
        this.runtime = b.runtime != null ? b.runtime : ElectorRuntime.system();
        this.ownsBackend = b.ownsBackend;
    }

    /** Starts building an elector on {@code backend}. */
    public static Builder builder(Backend backend) {
        return new Builder(Objects.requireNonNull(backend, "backend"));
    }

    /** This process's candidate id. */
    public String candidateId() {
        return candidateId;
    }

    /** The backend's kind ({@code memory}, {@code raft}, ...). */
    public String backendKind() {
        return backend.kind();
    }

    /** The runtime (clocks and threads) of this elector. */
    public ElectorRuntime runtime() {
        return runtime;
    }

    /** Joins {@code election} with the elector's default settings. */
    public Election join(String election) {
        return join(election, defaults);
    }

    /** Joins {@code election} with its own settings. */
    public Election join(String election, ElectionSettings settings) {
        ensureOpen();
        Names.election(election);
        Objects.requireNonNull(settings, "settings");
        CandidateLoop loop = new CandidateLoop(new JoinRequest(election, candidateId, metadata, settings, runtime));
        loop.start(backend);
        open.add(loop);
        return loop;
    }

    /** Watches {@code election} without taking part. */
    public ElectionObserver observe(String election) {
        ensureOpen();
        Names.election(election);
        ObserverHandle h = new ObserverHandle(election, runtime);
        h.start(backend, new ObserveRequest(election, defaults, runtime));
        open.add(h);
        return h;
    }

    private void ensureOpen() {
        if (closed) {
            throw new ElectorException("elector " + candidateId + " is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(Elector.class).warn("closing {} failed", c, e);
            }
        }
        if (ownsBackend) {
            backend.close();
        }
        if (ownsRuntime) {
            runtime.close();
        }
    }

    /** {@code host-pid}, with a suffix for the second and later electors of one JVM. */
    static String defaultCandidateId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "host";
        }
        host = host.replaceAll("[^A-Za-z0-9._-]", "-");
        if (host.isEmpty() || !Character.isLetterOrDigit(host.charAt(0))) {
            host = "h" + host;
        }
        long pid = ProcessHandle.current().pid();
        int n = INSTANCES.incrementAndGet();
        String id = host + "-" + pid + (n == 1 ? "" : "-" + n);
        return id.length() > 128 ? id.substring(id.length() - 128) : id;
    }

    /** Builds an {@link Elector}; every setting is validated when set. */
    public static final class Builder {
        private final Backend backend;
        private String candidateId;
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private ElectionSettings settings = ElectionSettings.defaults();
        private ElectorRuntime runtime;
        private boolean ownsBackend = true;

        private Builder(Backend backend) {
            this.backend = backend;
        }

        /** The candidate id, unique among candidates; default {@code host-pid}. */
        public Builder candidateId(String id) {
            this.candidateId = Names.candidate(id);
            return this;
        }

        /** One metadata entry published with this candidate's leaderships (address, priority...). */
        public Builder metadata(String key, String value) {
            Map<String, String> next = new LinkedHashMap<>(metadata);
            next.put(key, value);
            Names.metadata(next);
            metadata.put(key, value);
            return this;
        }

        /** All metadata at once, replacing earlier entries. */
        public Builder metadata(Map<String, String> all) {
            Names.metadata(all);
            metadata.clear();
            metadata.putAll(all);
            return this;
        }

        /** Default settings for elections joined without their own. */
        public Builder settings(ElectionSettings s) {
            this.settings = Objects.requireNonNull(s, "settings");
            return this;
        }

        /** The runtime to run on; default a new system runtime owned (and closed) by the elector. */
        public Builder runtime(ElectorRuntime r) {
            this.runtime = Objects.requireNonNull(r, "runtime");
            return this;
        }

        /** Whether closing the elector closes the backend (default true). */
        public Builder closeBackendOnClose(boolean close) {
            this.ownsBackend = close;
            return this;
        }

        public Elector build() {
            if (candidateId != null && candidateId.isBlank()) {
                throw new InvalidSettingException("candidate id must not be blank");
            }
            return new Elector(this);
        }
    }
}
