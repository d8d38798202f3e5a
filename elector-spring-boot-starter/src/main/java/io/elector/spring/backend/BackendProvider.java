package io.elector.spring.backend;

import io.elector.spi.Backend;
import io.elector.spi.LeaseStore;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Opens one kind of backend from its URI. The starter has providers for {@code memory:} and, when
 * their modules are on the class path, for the JDBC and Raft backends; other modules (or users) add
 * one with a line in {@code META-INF/services/io.elector.spring.backend.BackendProvider}.
 */
public interface BackendProvider {

    /** The URI schemes handled, lower case, without the colon. */
    Set<String> schemes();

    /** An example URI for error messages. */
    String example();

    /**
     * Checks {@code uri} without connecting.
     *
     * @throws IllegalArgumentException with a one-line message (never a password) if it is malformed
     */
    void validate(String uri);

    /**
     * Opens the backend. Lease-style backends pass their store through {@code decorator} (the
     * starter times store calls for health and metrics).
     *
     * @throws IllegalArgumentException if the URI is malformed
     */
    Backend open(String uri, UnaryOperator<LeaseStore> decorator);
}
