package io.elector.cli.backend;

import io.elector.spi.Backend;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Plugs one kind of backend into the {@code elector} command. Implementations are found with
 * {@link java.util.ServiceLoader} (a line in {@code META-INF/services/io.elector.cli.backend.BackendProvider}),
 * so a backend module joins the command by adding one provider class.
 *
 * <p>{@link #create} must check that the backend is usable (the server answers, the credentials
 * work) within a bounded time, and throw {@link BackendConfigException} with one line that says
 * what is wrong (never the password) when it is not: the command prints that line and exits 2.
 */
public interface BackendProvider {

    /** The URI schemes this provider accepts, lower case, without the colon: {@code memory}, {@code raft}. */
    Set<String> schemes();

    /** An example URI, shown in {@code --help} and in the error for an unknown scheme. */
    String example();

    /**
     * The lease this backend imposes whatever {@code --lease} says, when its own settings decide it
     * (a ZooKeeper session timeout); empty for lease-style backends, which use {@code --lease}, and
     * for Raft. The command uses it to check timing ({@code run --grace}) and to size faults
     * ({@code verify}).
     *
     * @throws BackendConfigException when the URI is malformed
     */
    default Optional<Duration> fixedLease(BackendUri uri) {
        return Optional.empty();
    }

    /**
     * Opens a backend for {@code uri}.
     *
     * @throws BackendConfigException when the URI is malformed or the backend cannot be reached
     */
    Backend create(BackendUri uri, BackendOptions options);
}
