package io.elector.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

/** Two application contexts in one JVM on the shared {@code memory:} store. */
class InMemoryTwoInstancesTest {
    static final String ELECTION = "memory-two-instances";

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

        /** Fencing tokens of the runs (a method: the bean is a proxy). */
        public List<Long> runs() {
            return runs;
        }

        @Scheduled(fixedDelay = 20)
        @LeaderOnly(ELECTION)
        public void run() {
            runs.add(CurrentLeadership.fencingToken());
        }
    }

    static class EventRecorder {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @EventListener
        public void on(LeadershipEvent e) {
            seen.add(
                    e instanceof LeadershipRevokedEvent r
                            ? "revoked " + e.fencingToken() + " " + r.reason()
                            : "granted " + e.fencingToken());
        }
    }

    private final Instances instances =
            new Instances(App.class, Map.of("elector.backend", "memory:", "elector.lease-duration", "2s"));

    @AfterEach
    void close() {
        instances.close();
    }

    @Test
    void exactlyOneInstanceRunsTheJobAndClosingItHandsOver() {
        ConfigurableApplicationContext a = instances.start("a");
        ConfigurableApplicationContext b = instances.start("b");
        Elections ea = a.getBean(Elections.class);
        Elections eb = b.getBean(Elections.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> ea.isLeader(ELECTION) || eb.isLeader(ELECTION));
        ConfigurableApplicationContext leader = ea.isLeader(ELECTION) ? a : b;
        ConfigurableApplicationContext follower = leader == a ? b : a;
        Job leaderJob = leader.getBean(Job.class);
        Job followerJob = follower.getBean(Job.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> leaderJob.runs().size() >= 5);
        assertThat(followerJob.runs()).as("the follower never ran the job").isEmpty();
        long oldToken = leaderJob.runs().get(0);
        assertThat(leaderJob.runs()).containsOnly(oldToken);

        List<String> leaderEvents = leader.getBean(EventRecorder.class).seen;
        leader.close();
        // Graceful close resigns (RESIGNED, not CLOSED): the follower takes over well before the 2 s lease would
        // expire.
        Elections next = follower.getBean(Elections.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> next.isLeader(ELECTION));
        await().atMost(Duration.ofSeconds(20)).until(() -> followerJob.runs().size() >= 3);
        assertThat(followerJob.runs()).allMatch(t -> t > oldToken);
        assertThat(leaderEvents)
                .containsExactly("granted " + oldToken, "revoked " + oldToken + " " + RevocationReason.RESIGNED);
        long newToken = followerJob.runs().get(0);
        assertThat(follower.getBean(EventRecorder.class).seen).containsExactly("granted " + newToken);
    }
}
