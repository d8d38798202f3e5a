package io.elector.cli;

import io.elector.api.ElectionObserver;
import io.elector.api.LeaderInfo;
import io.elector.cli.backend.BackendOptions;
import io.elector.cli.backend.BackendResolver;
import io.elector.cli.backend.BackendUri;
import io.elector.core.Elector;
import io.elector.spi.Backend;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Watching an election from a process that is not a candidate ({@code status}, {@code resign}). */
final class Observation implements AutoCloseable {
    private final Elector elector;
    private final ElectionObserver observer;

    private Observation(Elector elector, ElectionObserver observer) {
        this.elector = elector;
        this.observer = observer;
    }

    static Observation open(BackendOption where) {
        String election = where.election();
        BackendUri uri = BackendUri.parse(where.backend());
        Backend backend = BackendResolver.fromClassPath().provider(uri).create(uri, BackendOptions.defaults());
        Elector elector = Elector.builder(backend).candidateId("observer").build();
        try {
            return new Observation(elector, elector.observe(election));
        } catch (RuntimeException e) {
            elector.close();
            throw e;
        }
    }

    ElectionObserver observer() {
        return observer;
    }

    /**
     * The leader, waiting up to {@code timeout} for the backend's first report. The observer API
     * cannot tell "nothing reported yet" from "nobody leads", so empty means: none seen in time.
     */
    Optional<LeaderInfo> awaitLeader(Duration timeout) throws InterruptedException {
        CompletableFuture<LeaderInfo> first = new CompletableFuture<>();
        try (var reg = observer.watch(v -> v.ifPresent(first::complete))) {
            return Optional.of(first.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        observer.close();
        elector.close();
    }
}
