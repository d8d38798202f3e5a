package io.elector.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.elector.memory.InMemoryLeaseStore;
import io.elector.spi.LeaseStore;
import io.elector.testkit.FaultInjectingLeaseStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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

        JsonNode lh = get(leader, "/actuator/health/elector/" + ELECTION);
        assertThat(lh.path("status").asText()).isEqualTo("UP");
        assertThat(lh.path("details").path("role").asText()).isEqualTo("leader");
        assertThat(lh.path("details").path("fencingToken").asLong()).isEqualTo(token);
        assertThat(lh.path("details").path("leaseRemainingMs").asLong()).isBetween(1L, 2000L);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> get(follower, "/actuator/health/elector/" + ELECTION)
                        .path("details")
                        .path("leader")
                        .asText()
                        .equals(leaderId));
        JsonNode fh = get(follower, "/actuator/health/elector/" + ELECTION);
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

        JsonNode all = get(leader, "/actuator/elector");
        assertThat(all.path("candidateId").asText()).isEqualTo(leaderId);
        assertThat(all.path("backend").asText()).isEqualTo("memory");
        assertThat(all.path("elections").get(0).path("election").asText()).isEqualTo(ELECTION);

        JsonNode resigned = post(leader, "/actuator/elector/" + ELECTION);
        assertThat(resigned.path("resigned").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> follower.getBean(Elections.class).isLeader(ELECTION));
        JsonNode after = get(follower, "/actuator/health/elector/" + ELECTION);
        assertThat(after.path("details").path("role").asText()).isEqualTo("leader");
        assertThat(after.path("details").path("fencingToken").asLong()).isGreaterThan(token);
        assertThat(get(follower, "/actuator/elector/no-such-election-here")).isNull();
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
            assertThat(get(a, "/actuator/health/elector/cut-demo")
                            .path("status")
                            .asText())
                    .isEqualTo("UP");
            ((FaultInjectingLeaseStore) a.getBean(LeaseStore.class)).cutOff();
            // The leader steps down at its deadline; past the lease the backend counts as unreachable.
            await().atMost(Duration.ofSeconds(20)).until(() -> !e.isLeader("cut-demo"));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> get(a, "/actuator/health/elector/cut-demo")
                            .path("status")
                            .asText()
                            .equals("DOWN"));
            JsonNode down = get(a, "/actuator/health/elector/cut-demo");
            assertThat(down.path("details").path("backendReachable").asBoolean())
                    .isFalse();
            assertThat(down.path("details").path("backendError").asText()).isNotEmpty();
            ((FaultInjectingLeaseStore) a.getBean(LeaseStore.class)).restore();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> get(a, "/actuator/health/elector/cut-demo")
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

    private static JsonNode get(ConfigurableApplicationContext ctx, String path)
            throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(ctx, path)).GET());
    }

    private static JsonNode post(ConfigurableApplicationContext ctx, String path)
            throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(ctx, path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    }

    private static URI uri(ConfigurableApplicationContext ctx, String path) {
        return URI.create("http://127.0.0.1:" + Instances.port(ctx) + path);
    }

    private static JsonNode send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<String> r =
                HTTP.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) {
            return null;
        }
        // Health answers 503 when DOWN, with the same body.
        assertThat(r.statusCode()).as(r.body()).isIn(200, 503);
        return JSON.readTree(r.body());
    }
}
