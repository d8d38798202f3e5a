package io.elector.cli.backend;

import io.elector.spi.LeaseStore;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What the command passes to a {@link BackendProvider} besides the URI.
 *
 * @param connectTimeout how long {@link BackendProvider#create} may wait for the server
 * @param storeDecorator wraps a lease store before it is handed to the lease engine (the command
 *     uses it to time store calls for metrics); identity when not needed
 */
public record BackendOptions(Duration connectTimeout, UnaryOperator<LeaseStore> storeDecorator) {
    public BackendOptions {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(storeDecorator, "storeDecorator");
    }

    /** Five seconds to connect, no decoration. */
    public static BackendOptions defaults() {
        return new BackendOptions(Duration.ofSeconds(5), UnaryOperator.identity());
    }

    public BackendOptions withStoreDecorator(UnaryOperator<LeaseStore> decorator) {
        return new BackendOptions(connectTimeout, decorator);
    }
}
