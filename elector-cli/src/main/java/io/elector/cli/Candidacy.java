package io.elector.cli;

import io.elector.api.Election;
import io.elector.api.ElectionSettings;
import io.elector.cli.backend.BackendOptions;
import io.elector.cli.backend.BackendResolver;
import io.elector.cli.backend.BackendUri;
import io.elector.cli.http.StatusServer;
import io.elector.cli.metrics.ElectionMetrics;
import io.elector.cli.metrics.MeteredLeaseStore;
import io.elector.core.Elector;
import io.elector.spi.Backend;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * This process's candidacy in one election, with what the command puts around it: the backend
 * resolved from its URI, metrics and the optional HTTP endpoint. Closing it leaves the election
 * (resigning if leader) and stops the endpoint.
 */
public final class Candidacy implements AutoCloseable {
    private final Elector elector;
    private final Election election;
    private final ElectionMetrics metrics;
    private final PrometheusMeterRegistry registry;
    private final StatusServer server;
    private final BackendUri uri;

    private Candidacy(
            Elector elector,
            Election election,
            ElectionMetrics metrics,
            PrometheusMeterRegistry registry,
            StatusServer server,
            BackendUri uri) {
        this.elector = elector;
        this.election = election;
        this.metrics = metrics;
        this.registry = registry;
        this.server = server;
        this.uri = uri;
    }

    /**
     * Opens the backend, joins the election and starts the endpoint if asked.
     *
     * @throws io.elector.cli.backend.BackendConfigException if the backend URI is unusable
     */
    public static Candidacy join(BackendOption where, CandidateOptions who) {
        return join(where, who, BackendResolver.fromClassPath());
    }

    static Candidacy join(BackendOption where, CandidateOptions who, BackendResolver resolver) {
        String electionName = where.election();
        BackendUri uri = BackendUri.parse(where.backend());
        ElectionSettings settings = ElectionSettings.defaults().withLease(who.lease);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MeteredLeaseStore.BackendHealth health = new MeteredLeaseStore.BackendHealth();
        Backend backend = resolver.provider(uri)
                .create(
                        uri,
                        BackendOptions.defaults()
                                .withStoreDecorator(store -> new MeteredLeaseStore(store, registry, health)));
        Map<String, String> metadata = new LinkedHashMap<>(who.metadata);
        Elector.Builder b = Elector.builder(backend).settings(settings);
        if (who.candidate != null) {
            b.candidateId(who.candidate);
        }
        StatusServer server = null;
        Elector elector = null;
        try {
            // The endpoint's address goes into the metadata, so it must exist before we join.
            if (who.httpPort != null) {
                server = StatusServer.create(who.httpBind, who.httpPort, registry, health, who.lease, uri.redacted());
                metadata.put("endpoint", server.url());
            }
            elector = b.metadata(metadata).build();
            Election election = elector.join(electionName);
            ElectionMetrics metrics = new ElectionMetrics(election, registry);
            if (server != null) {
                server.attach(election, metrics.timeline());
            }
            return new Candidacy(elector, election, metrics, registry, server, uri);
        } catch (IOException e) {
            closeQuietly(elector, backend);
            throw new UncheckedIOException("cannot serve HTTP on " + who.httpBind + ":" + who.httpPort, e);
        } catch (RuntimeException e) {
            if (server != null) {
                server.close();
            }
            closeQuietly(elector, backend);
            throw e;
        }
    }

    private static void closeQuietly(Elector elector, Backend backend) {
        if (elector != null) {
            elector.close();
        } else {
            backend.close();
        }
    }

    public Election election() {
        return election;
    }

    public Elector elector() {
        return elector;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public ElectionMetrics metrics() {
        return metrics;
    }

    /** The HTTP endpoint, when {@code --http} was given. */
    public Optional<StatusServer> server() {
        return Optional.ofNullable(server);
    }

    /** The backend URI without passwords. */
    public String backendRedacted() {
        return uri.redacted();
    }

    @Override
    public void close() {
        metrics.close();
        elector.close();
        if (server != null) {
            server.close();
        }
    }
}
