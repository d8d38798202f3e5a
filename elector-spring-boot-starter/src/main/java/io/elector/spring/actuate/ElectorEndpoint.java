package io.elector.spring.actuate;

import io.elector.spring.BackendActivity;
import io.elector.spring.ElectionSettingsResolver;
import io.elector.spring.Elections;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/elector}: this instance's elections ({@code GET}), one election ({@code GET
 * /actuator/elector/{name}}), and resigning one ({@code POST /actuator/elector/{name}}: if this
 * instance leads it, it steps down and another candidate takes over at once; it stays a candidate).
 *
 * <p>Not exposed over HTTP unless listed in {@code management.endpoints.web.exposure.include}. The
 * resign operation is a write: {@code management.endpoint.elector.access=read-only} turns it off,
 * and with Spring Security on the class path it is protected like any other actuator endpoint (see
 * the module README).
 */
@Endpoint(id = "elector")
public class ElectorEndpoint {
    private static final Duration RESIGN_WAIT = Duration.ofSeconds(5);

    private final Elections elections;
    private final BackendActivity activity;
    private final ElectionSettingsResolver settings;

    public ElectorEndpoint(Elections elections, BackendActivity activity, ElectionSettingsResolver settings) {
        this.elections = elections;
        this.activity = activity;
        this.settings = settings;
    }

    /** Everything: this candidate, the backend kind and each election. */
    public record ElectorReport(String candidateId, String backend, List<ElectionStatus> elections) {}

    /** The result of a resign request. */
    public record ResignResult(String election, boolean resigned, ElectionStatus status) {}

    @ReadOperation
    public ElectorReport elections() {
        return new ElectorReport(
                elections.candidateId(),
                elections.backendKind(),
                elections.names().stream().map(this::status).toList());
    }

    @ReadOperation
    public ElectionStatus election(@Selector String name) {
        return elections.names().contains(name) ? status(name) : null;
    }

    /**
     * Resigns {@code name} if this instance leads it; waits (at most 5 s) for the local step-down.
     *
     * @return whether this instance was leader and stepped down; null (404) for an unknown election
     */
    @WriteOperation
    public ResignResult resign(@Selector String name) {
        if (!elections.names().contains(name)) {
            return null;
        }
        boolean wasLeader = elections.isLeader(name);
        try {
            // Bounded: the step-down is local; the wait only covers a busy callback lane.
            elections.resign(name).toCompletableFuture().get(RESIGN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Reported through the status below.
        }
        return new ResignResult(name, wasLeader, status(name));
    }

    private ElectionStatus status(String name) {
        return ElectionStatus.of(name, elections, activity, settings);
    }
}
