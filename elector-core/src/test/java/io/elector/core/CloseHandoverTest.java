package io.elector.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.elector.api.Election;
import io.elector.api.ElectionSettings;
import io.elector.memory.InMemoryLeaseStore;
import io.elector.time.ElectorRuntime;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Closing a leading process hands its lease over at once: the release reaches the store before the
 * store is closed, so the next leader does not wait out the lease (here 10 s).
 */
class CloseHandoverTest {
    @Test
    void closingTheLeadersElectorReleasesBeforeClosingTheStore() throws Exception {
        ElectionSettings s = ElectionSettings.defaults().withLease(Duration.ofSeconds(10));
        InMemoryLeaseStore shared = new InMemoryLeaseStore();
        try (ElectorRuntime rt = ElectorRuntime.system()) {
            Elector a = Elector.builder(LeaseBackend.of(new ScriptedStore(shared, null)))
                    .candidateId("a")
                    .settings(s)
                    .runtime(ElectorRuntime.system())
                    .build();
            Election ea = a.join("e");
            assertThat(ea.awaitLeadership(Duration.ofSeconds(10))).isPresent();
            Elector b = Elector.builder(LeaseBackend.of(new ScriptedStore(shared, null)))
                    .candidateId("b")
                    .settings(s)
                    .runtime(rt)
                    .build();
            Election eb = b.join("e");
            long start = System.nanoTime();
            a.close();
            assertThat(eb.awaitLeadership(Duration.ofSeconds(5)))
                    .as("b leads long before a's 10 s lease ends")
                    .isPresent();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            b.close();
        }
    }

    /**
     * A listener's {@code revoked} has returned before the lease is handed back, on close and on
     * resign: a process that stops acting in {@code revoked} never overlaps the next leader, and a
     * process that exits right after {@code close()} has seen its {@code revoked} (found by verify:
     * a history recorder's end record was lost when the process exited first).
     */
    @Test
    void listenersHearRevokedBeforeTheLeaseIsHandedBack() throws Exception {
        ElectionSettings s = ElectionSettings.defaults().withLease(Duration.ofSeconds(10));
        InMemoryLeaseStore shared = new InMemoryLeaseStore();
        try (ElectorRuntime rt = ElectorRuntime.system()) {
            for (boolean closing : new boolean[] {true, false}) {
                String election = closing ? "close" : "resign";
                Elector a = Elector.builder(LeaseBackend.of(new ScriptedStore(shared, null)))
                        .candidateId("a")
                        .settings(s)
                        .runtime(ElectorRuntime.system())
                        .build();
                Election ea = a.join(election);
                java.util.concurrent.atomic.AtomicLong revokedReturnedAt = new java.util.concurrent.atomic.AtomicLong();
                ea.addListener(new io.elector.api.LeadershipListener() {
                    @Override
                    public void revoked(io.elector.api.Leadership l, io.elector.api.Revocation r) {
                        try {
                            Thread.sleep(300);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        revokedReturnedAt.set(System.nanoTime());
                    }
                });
                assertThat(ea.awaitLeadership(Duration.ofSeconds(10))).isPresent();
                Elector b = Elector.builder(LeaseBackend.of(new ScriptedStore(shared, null)))
                        .candidateId("b")
                        .settings(s)
                        .runtime(rt)
                        .build();
                Election eb = b.join(election);
                if (closing) {
                    a.close();
                    assertThat(revokedReturnedAt.get())
                            .as("close() returns after revoked was delivered")
                            .isNotZero();
                } else {
                    ea.resign();
                }
                assertThat(eb.awaitLeadership(Duration.ofSeconds(5))).isPresent();
                long bElectedAt = System.nanoTime();
                assertThat(revokedReturnedAt.get())
                        .as("%s: a's revoked returned before b was elected", election)
                        .isNotZero()
                        .isLessThan(bElectedAt);
                b.close();
                a.close();
            }
        }
    }
}
