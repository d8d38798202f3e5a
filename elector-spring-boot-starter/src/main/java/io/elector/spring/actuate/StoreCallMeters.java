package io.elector.spring.actuate;

import io.elector.spring.backend.StoreCallListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Times the lease engine's batched store calls: {@code elector.renew.latency} and {@code
 * elector.acquire.latency} (names as in the {@code elector} command), tagged {@code outcome}
 * ({@code success}/{@code failure}). Lease-style backends only.
 */
public final class StoreCallMeters implements StoreCallListener {
    private final Timer renewOk;
    private final Timer renewFailed;
    private final Timer acquireOk;
    private final Timer acquireFailed;

    public StoreCallMeters(MeterRegistry registry) {
        this.renewOk = timer(registry, "elector.renew.latency", "renewal", "success");
        this.renewFailed = timer(registry, "elector.renew.latency", "renewal", "failure");
        this.acquireOk = timer(registry, "elector.acquire.latency", "acquire", "success");
        this.acquireFailed = timer(registry, "elector.acquire.latency", "acquire", "failure");
    }

    private static Timer timer(MeterRegistry r, String name, String what, String outcome) {
        return Timer.builder(name)
                .description("Time of one batched lease " + what + " call to the store")
                .tag("outcome", outcome)
                .register(r);
    }

    @Override
    public void called(Operation operation, long nanos, Exception failure) {
        Timer t = switch (operation) {
            case RENEW -> failure == null ? renewOk : renewFailed;
            case ACQUIRE -> failure == null ? acquireOk : acquireFailed;
            default -> null;
        };
        if (t != null) {
            t.record(nanos, TimeUnit.NANOSECONDS);
        }
    }
}
