package io.elector.jdbc;

import io.elector.api.Leadership;
import io.elector.testkit.Candidate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Waits for a leader and captures its leadership in the same look, so that a test never reads a
 * leadership that a loaded machine let expire between "who leads" and "with which token".
 */
final class Leaders {
    private Leaders() {}

    record Led(Candidate candidate, Leadership leadership) {}

    static Led await(String election, List<Candidate> among, Candidate except, Duration max) {
        AtomicReference<Led> found = new AtomicReference<>();
        org.awaitility.Awaitility.await("a valid leadership of " + election + " among " + among
                        + (except == null ? "" : " except " + except))
                .atMost(max)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    for (Candidate c : among) {
                        if (c == except) {
                            continue;
                        }
                        Optional<Leadership> l = c.election(election).leadership();
                        if (l.isPresent() && l.get().isValid()) {
                            found.set(new Led(c, l.get()));
                            return true;
                        }
                    }
                    return false;
                });
        return found.get();
    }
}
