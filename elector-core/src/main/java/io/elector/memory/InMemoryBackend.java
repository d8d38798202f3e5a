package io.elector.memory;

import io.elector.core.LeaseBackend;
import io.elector.spi.LeaseStore;
import io.elector.time.TimeSource;

/**
 * The in-memory backend: elections among candidates of one JVM, for tests and single-process use.
 * It runs the same lease engine as the database backends.
 */
public final class InMemoryBackend {
    private InMemoryBackend() {}

    /** A backend with its own store on the JVM's clocks. */
    public static LeaseBackend create() {
        return LeaseBackend.of(new InMemoryLeaseStore(TimeSource.system()));
    }

    /** A backend over a shared store: one per simulated process. */
    public static LeaseBackend on(InMemoryLeaseStore store) {
        return LeaseBackend.of(LeaseStore.unclosable(store));
    }
}
