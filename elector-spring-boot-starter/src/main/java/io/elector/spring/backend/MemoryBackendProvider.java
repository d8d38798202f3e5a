package io.elector.spring.backend;

import io.elector.core.LeaseBackend;
import io.elector.memory.InMemoryLeaseStore;
import io.elector.spi.Backend;
import io.elector.spi.LeaseStore;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * {@code memory:}: elections among the application contexts of this one JVM, sharing one store
 * (as the elector command's {@code memory:} does). For tests and single-instance use; it cannot
 * span processes.
 */
public final class MemoryBackendProvider implements BackendProvider {
    /** One store per JVM (its close() is a no-op), so that every context of the JVM competes in it. */
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
    public void validate(String uri) {
        if (!uri.strip().equalsIgnoreCase("memory:")) {
            throw new IllegalArgumentException(
                    "the memory backend takes no address or options: 'memory:', not '" + BackendUris.redact(uri) + "'");
        }
    }

    @Override
    public Backend open(String uri, UnaryOperator<LeaseStore> decorator) {
        validate(uri);
        return LeaseBackend.of(decorator.apply(STORE));
    }
}
