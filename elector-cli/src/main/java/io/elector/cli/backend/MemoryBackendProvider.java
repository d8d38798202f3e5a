package io.elector.cli.backend;

import io.elector.core.LeaseBackend;
import io.elector.memory.InMemoryLeaseStore;
import io.elector.spi.Backend;
import java.util.Set;

/**
 * {@code memory:}: elections among the candidates of this one process. Useful to try the command
 * and for tests; it cannot span processes, so two {@code elector run --backend memory:} processes
 * both lead.
 */
public final class MemoryBackendProvider implements BackendProvider {
    /** One store per JVM, so that every election of this process shares its tokens (its close() is a no-op). */
    private static final InMemoryLeaseStore STORE = new InMemoryLeaseStore();

    @Override
    public Set<String> schemes() {
        return Set.of("memory");
    }

    @Override
    public String example() {
        return "memory:";
    }

    @Override
    public Backend create(BackendUri uri, BackendOptions options) {
        if (!uri.rest().isEmpty()) {
            throw new BackendConfigException(
                    "the memory backend takes no address or options: 'memory:', not '" + uri.redacted() + "'");
        }
        return LeaseBackend.of(options.storeDecorator().apply(STORE));
    }
}
