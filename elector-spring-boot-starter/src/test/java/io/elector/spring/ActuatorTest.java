package io.elector.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.elector.memory.InMemoryLeaseStore;
import io.elector.spi.LeaseStore;
import io.elector.testkit.FaultInjectingLeaseStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** Health, metrics and the elector endpoint over HTTP, on two web instances of one JVM. */
class ActuatorTest {
    static final String ELECTION = "actuator-demo";

    @SpringBootApplication
    static class App {}

    /** A store the test can cut off, shared by both instances. */
    @Configuration
    @Import(App.class)
    static class CuttableApp {
        static final InMemoryLeaseStore SHARED = new InMemoryLeaseStore();

        @Bean
        LeaseStore leaseStore() {
            return new FaultInjectingLeaseStore(SHARED);
        }
    }

    private final Instances instances = new Instances(
            App.class,
            Map.of(
                    "elector.backend",
                    "memory:",
                    "elector.elections." + ELECTION + ".lease-duration",
                    "2s",
                    "management.endpoints.web.exposure.include",
                    "health,elector",
                    "management.endpoint.health.show-details",
                    "always"));

    @AfterEach
    void close() {
        instances.close();
    }

    @Test
    void healthShowsLeaderAndFollowerAndTheEndpointResigns() throws Exception {
        ConfigurableApplicationContext a = instances.startWeb("web-a");
        ConfigurableApplicationContext b = instances.startWeb("web-b");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> a.getBean(Elections.class).isLeader(ELECTION)
                        || b.getBean(Elections.class).isLeader(ELECTION));
        ConfigurableApplicationContext leader = a.getBean(Elections.class).isLeader(ELECTION) ? a : b;
        ConfigurableApplicationContext follower = leader == a ? b : a;
        String leaderId = leader.getBean(Elections.class).candidateId();
        long token = leader.getBean(Elections.class)
                .leadership(ELECTION)
                .orElseThrow()
                .fencingToken();

        JsonNode lh = Http.get(leader, "/actuator/health/elector/" + ELECTION);
        assertThat(lh.path("status").asText()).isEqualTo("UP");
        assertThat(lh.path("details").path("role").asText()).isEqualTo("leader");
        assertThat(lh.path("details").path("fencingToken").asLong()).isEqualTo(token);
        assertThat(lh.path("details").path("leaseRemainingMs").asLong()).isBetween(1L, 2000L);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Http.get(follower, "/actuator/health/elector/" + ELECTION)
                        .path("details")
                        .path("leader")
                        .asText()
                        .equals(leaderId));
        JsonNode fh = Http.get(follower, "/actuator/health/elector/" + ELECTION);
        assertThat(fh.path("status").asText()).isEqualTo("UP");
        assertThat(fh.path("details").path("role").asText()).isEqualTo("follower");
        assertThat(fh.path("details").path("leaderToken").asLong()).isEqualTo(token);
        assertThat(fh.path("details").has("fencingToken")).isFalse();

        assertThat(gauge(leader, "elector.is.leader")).isEqualTo(1.0);
        assertThat(gauge(follower, "elector.is.leader")).isEqualTo(0.0);
        assertThat(leader.getBean(MeterRegistry.class)
                        .get("elector.elections.won")
                        .counter()
                        .count())
                .isEqualTo(1.0);

        JsonNode all = Http.get(leader, "/actuator/elector");
        assertThat(all.path("candidateId").asText()).isEqualTo(leaderId);
        assertThat(all.path("backend").asText()).isEqualTo("memory");
        assertThat(all.path("elections").get(0).path("election").asText()).isEqualTo(ELECTION);

        JsonNode resigned = Http.post(leader, "/actuator/elector/" + ELECTION);
        assertThat(resigned.path("resigned").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> follower.getBean(Elections.class).isLeader(ELECTION));
        JsonNode after = Http.get(follower, "/actuator/health/elector/" + ELECTION);
        assertThat(after.path("details").path("role").asText()).isEqualTo("leader");
        assertThat(after.path("details").path("fencingToken").asLong()).isGreaterThan(token);
        assertThat(Http.get(follower, "/actuator/elector/no-such-election-here"))
                .isNull();
    }

    @Test
    void healthIsDownWhenTheStoreIsUnreachablePastTheLease() throws Exception {
        Instances cuttable = new Instances(
                CuttableApp.class,
                Map.of(
                        "elector.elections.cut-demo.lease-duration", "1s",
                        "management.endpoints.web.exposure.include", "health",
                        "management.endpoint.health.show-details", "always"));
        try (cuttable) {
            ConfigurableApplicationContext a = cuttable.startWeb("cut-a");
            Elections e = a.getBean(Elections.class);
            await().atMost(Duration.ofSeconds(20)).until(() -> e.isLeader("cut-demo"));
            assertThat(Http.get(a, "/actuator/health/elector/cut-demo")
                            .path("status")
                            .asText())
                    .isEqualTo("UP");
            ((FaultInjectingLeaseStore) a.getBean(LeaseStore.class)).cutOff();
            // The leader steps down at its deadline; past the lease the backend counts as unreachable.
            await().atMost(Duration.ofSeconds(20)).until(() -> !e.isLeader("cut-demo"));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Http.get(a, "/actuator/health/elector/cut-demo")
                            .path("status")
                            .asText()
                            .equals("DOWN"));
            JsonNode down = Http.get(a, "/actuator/health/elector/cut-demo");
            assertThat(down.path("details").path("backendReachable").asBoolean())
                    .isFalse();
            assertThat(down.path("details").path("backendError").asText()).isNotEmpty();
            ((FaultInjectingLeaseStore) a.getBean(LeaseStore.class)).restore();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Http.get(a, "/actuator/health/elector/cut-demo")
                            .path("status")
                            .asText()
                            .equals("UP"));
        }
    }

    private static double gauge(ConfigurableApplicationContext ctx, String name) {
        return ctx.getBean(MeterRegistry.class)
                .get(name)
                .tag("election", ELECTION)
                .gauge()
                .value();
    }
}
