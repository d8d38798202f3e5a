package io.elector.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.elector.api.Election;
import io.elector.api.Leadership;
import io.elector.core.Elector;
import io.elector.memory.InMemoryBackend;
import io.elector.memory.InMemoryLeaseStore;
import io.elector.spi.LeaseStore;
import io.elector.spring.autoconfigure.ElectorAutoConfiguration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/** What a @LeaderOnly call does on the leader, on a follower, and when the leadership ends mid-call. */
class LeaderOnlyTest {
    static final String LEAD = "lo-lead";
    static final String BLOCKED = "lo-blocked";

    /** One store per test: a rival elector holds BLOCKED in it, so the context only follows there. */
    private final InMemoryLeaseStore store = new InMemoryLeaseStore();

    private Elector rival;

    @BeforeEach
    void rivalLeadsBlocked() throws InterruptedException {
        rival = Elector.builder(InMemoryBackend.on(store)).candidateId("rival").build();
        Election e = rival.join(BLOCKED);
        assertThat(e.awaitLeadership(Duration.ofSeconds(10))).isPresent();
    }

    @AfterEach
    void closeRival() {
        rival.close();
    }

    static class Service {
        final List<String> events = new CopyOnWriteArrayList<>();

        @LeaderOnly(LEAD)
        public String hello() {
            return "hi";
        }

        @LeaderOnly(LEAD)
        public long token(@FencingToken long token) {
            return token;
        }

        @LeaderOnly(LEAD)
        public Leadership leadership(Leadership l) {
            assertThat(CurrentLeadership.get()).containsSame(l);
            return l;
        }

        /** Blocks until interrupted; true if it was. */
        @LeaderOnly(LEAD)
        public boolean blockUntilInterrupted(CountDownLatch started) {
            started.countDown();
            try {
                Thread.sleep(60_000);
                return false;
            } catch (InterruptedException e) {
                return true;
            }
        }

        @LeaderOnly(BLOCKED)
        public int count() {
            return 42;
        }

        @LeaderOnly(BLOCKED)
        public boolean flag() {
            return true;
        }

        @LeaderOnly(BLOCKED)
        public Optional<String> maybe() {
            return Optional.of("x");
        }

        @LeaderOnly(value = BLOCKED, whenNotLeader = NotLeaderPolicy.THROW)
        public String strict() {
            return "ran";
        }

        @EventListener
        public void on(LeadershipEvent e) {
            if (e.election().equals(LEAD)) {
                events.add((e instanceof LeadershipGrantedEvent ? "+" : "-") + e.fencingToken());
            }
        }

        public List<String> events() {
            return events;
        }
    }

    @Configuration
    static class Config {
        @Bean
        Service service() {
            return new Service();
        }
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ElectorAutoConfiguration.class))
                .withUserConfiguration(Config.class)
                .withBean(LeaseStore.class, () -> store)
                .withPropertyValues("elector.candidate-id=ctx", "elector.lease-duration=2s");
    }

    @Test
    void leaderRunsTheMethodWithItsLeadershipAndToken() {
        runner().run(ctx -> {
            Elections elections = ctx.getBean(Elections.class);
            Service s = ctx.getBean(Service.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> elections.isLeader(LEAD));
            long token = elections.leadership(LEAD).orElseThrow().fencingToken();
            assertThat(s.hello()).isEqualTo("hi");
            assertThat(s.token(0)).isEqualTo(token);
            assertThat(s.leadership(null).fencingToken()).isEqualTo(token);
            assertThat(CurrentLeadership.get()).isEmpty();
        });
    }

    @Test
    void followerSkipsWithEmptyResultsOrThrowsWhenAsked() {
        runner().run(ctx -> {
            Elections elections = ctx.getBean(Elections.class);
            Service s = ctx.getBean(Service.class);
            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            elections.find(BLOCKED).flatMap(Election::leader).isPresent());
            assertThat(elections.isLeader(BLOCKED)).isFalse();
            assertThat(s.count()).isZero();
            assertThat(s.flag()).isFalse();
            assertThat(s.maybe()).isEmpty();
            assertThatThrownBy(s::strict)
                    .isInstanceOf(NotLeaderException.class)
                    .hasMessage("not the leader of election 'lo-blocked': Service.strict was not run");
        });
    }

    @Test
    void throwPolicyCanBeTheDefault() {
        runner().withPropertyValues("elector.leader-only.when-not-leader=throw").run(ctx -> {
            assertThatThrownBy(ctx.getBean(Service.class)::count).isInstanceOf(NotLeaderException.class);
        });
    }

    @Test
    void lossInterruptsTheRunningCallAndTheInterruptIsClearedAfterwards() {
        runner().run(ctx -> {
            Elections elections = ctx.getBean(Elections.class);
            Service s = ctx.getBean(Service.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> elections.isLeader(LEAD));
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<List<Boolean>> call = CompletableFuture.supplyAsync(() -> {
                boolean interrupted = s.blockUntilInterrupted(started);
                return List.of(interrupted, Thread.currentThread().isInterrupted());
            });
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            elections.resign(LEAD);
            // [interrupted by the loss, thread still interrupted after the call]
            assertThat(call.get(10, TimeUnit.SECONDS)).containsExactly(true, false);
        });
    }

    @Test
    void anInterruptThatWasThereBeforeTheCallIsKept() {
        runner().run(ctx -> {
            Elections elections = ctx.getBean(Elections.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> elections.isLeader(LEAD));
            Thread.currentThread().interrupt();
            try {
                assertThat(ctx.getBean(Service.class).hello()).isEqualTo("hi");
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
        });
    }

    @Test
    void eventsAlternateInOrderWithIncreasingTokens() {
        runner().run(ctx -> {
            Elections elections = ctx.getBean(Elections.class);
            Service s = ctx.getBean(Service.class);
            for (int i = 1; i <= 3; i++) {
                await().atMost(Duration.ofSeconds(10)).until(() -> elections.isLeader(LEAD));
                elections.resign(LEAD).toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> s.events().size() >= 6);
            List<String> seen = new ArrayList<>(s.events());
            long last = 0;
            for (int i = 0; i + 1 < 6; i += 2) {
                assertThat(seen.get(i)).startsWith("+");
                long t = Long.parseLong(seen.get(i).substring(1));
                assertThat(seen.get(i + 1)).isEqualTo("-" + t);
                assertThat(t).isGreaterThan(last);
                last = t;
            }
        });
    }

    @Test
    void electionsBeforeStartAreRecordedAndJoinedAtStart() {
        runner().run(ctx -> {
            assertThat(ctx.getBean(Elections.class).names()).contains(LEAD, BLOCKED);
        });
    }
}
