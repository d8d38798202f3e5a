package io.elector.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.elector.api.RevocationReason;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Two web application contexts ("instances") in one JVM on one backend: exactly one runs the
 * {@code @Scheduled @LeaderOnly} job, health reports leader and follower, events arrive in order,
 * and closing the leader's context hands over at once. Each backend's test extends this.
 */
abstract class TwoInstancesContract {
    static final String ELECTION = "two-instances-job";

    /** The backend URI both instances use. */
    abstract String backendUri();

    /** The test application: one scheduled leader-only job and an event recorder. */
    @SpringBootApplication
    @EnableScheduling
    static class App {
        @Bean
        Job job() {
            return new Job();
        }

        @Bean
        EventRecorder events() {
            return new EventRecorder();
        }
    }

    static class Job {
        private final List<Long> runs = new CopyOnWriteArrayList<>();

        @Scheduled(fixedDelay = 20)
        @LeaderOnly(ELECTION)
        public void run() {
            runs.add(CurrentLeadership.fencingToken());
        }

        /** Fencing tokens of the runs (a method: the bean is a proxy). */
        public List<Long> runs() {
            return runs;
        }
    }

    static class EventRecorder {
        private final List<String> seen = new CopyOnWriteArrayList<>();

        @EventListener
        public void on(LeadershipEvent e) {
            seen.add(
                    e instanceof LeadershipRevokedEvent r
                            ? "revoked " + e.fencingToken() + " " + r.reason()
                            : "granted " + e.fencingToken());
        }

        public List<String> seen() {
            return seen;
        }
    }

    private Instances instances;

    @AfterEach
    void close() {
        if (instances != null) {
            instances.close();
        }
    }

    @Test
    void exactlyOneInstanceRunsTheJobAndClosingItHandsOver() throws Exception {
        instances = new Instances(
                App.class,
                Map.of(
                        "elector.backend", backendUri(),
                        "elector.lease-duration", "3s",
                        "management.endpoint.health.show-details", "always"));
        ConfigurableApplicationContext a = instances.startWeb("a");
        ConfigurableApplicationContext b = instances.startWeb("b");
        Elections ea = a.getBean(Elections.class);
        Elections eb = b.getBean(Elections.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> ea.isLeader(ELECTION) || eb.isLeader(ELECTION));
        ConfigurableApplicationContext leader = ea.isLeader(ELECTION) ? a : b;
        ConfigurableApplicationContext follower = leader == a ? b : a;
        Job leaderJob = leader.getBean(Job.class);
        Job followerJob = follower.getBean(Job.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> leaderJob.runs().size() >= 5);
        assertThat(followerJob.runs()).as("the follower never ran the job").isEmpty();
        long oldToken = leaderJob.runs().get(0);
        assertThat(leaderJob.runs()).containsOnly(oldToken);

        JsonNode lh = Http.get(leader, "/actuator/health/elector/" + ELECTION);
        assertThat(lh.path("status").asText()).isEqualTo("UP");
        assertThat(lh.path("details").path("role").asText()).isEqualTo("leader");
        assertThat(lh.path("details").path("fencingToken").asLong()).isEqualTo(oldToken);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Http.get(follower, "/actuator/health/elector/" + ELECTION)
                                .path("details")
                                .path("leaderToken")
                                .asLong()
                        == oldToken);
        JsonNode fh = Http.get(follower, "/actuator/health/elector/" + ELECTION);
        assertThat(fh.path("status").asText()).isEqualTo("UP");
        assertThat(fh.path("details").path("role").asText()).isEqualTo("follower");
        assertThat(fh.path("details").path("leader").asText())
                .isEqualTo(leader.getBean(Elections.class).candidateId());

        List<String> leaderEvents = leader.getBean(EventRecorder.class).seen();
        long closedAt = System.nanoTime();
        leader.close();
        Elections next = follower.getBean(Elections.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> next.isLeader(ELECTION));
        long handoverMs = (System.nanoTime() - closedAt) / 1_000_000;
        await().atMost(Duration.ofSeconds(30)).until(() -> followerJob.runs().size() >= 3);
        assertThat(followerJob.runs()).allMatch(t -> t > oldToken);
        // Graceful close resigns (RESIGNED, not CLOSED): the follower need not wait for the lease.
        assertThat(leaderEvents)
                .containsExactly("granted " + oldToken, "revoked " + oldToken + " " + RevocationReason.RESIGNED);
        long newToken = followerJob.runs().get(0);
        assertThat(follower.getBean(EventRecorder.class).seen()).containsExactly("granted " + newToken);
        assertThat(Http.get(follower, "/actuator/health/elector/" + ELECTION)
                        .path("details")
                        .path("role")
                        .asText())
                .isEqualTo("leader");
        System.out.printf(
                "{\"bench\":\"spring-context-close-handover\",\"backend\":\"%s\",\"trials\":1,\"ms\":%d}%n",
                backendUri().replaceAll(":.*", ""), handoverMs);
    }
}
