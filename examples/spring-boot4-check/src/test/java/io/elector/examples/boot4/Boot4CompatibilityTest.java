package io.elector.examples.boot4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.elector.spring.CurrentLeadership;
import io.elector.spring.Elections;
import io.elector.spring.LeaderOnly;
import io.elector.spring.LeadershipEvent;
import io.elector.spring.LeadershipRevokedEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/** The starter, compiled against Spring Boot 3.5, in a Spring Boot 4 application. */
@ExtendWith(OutputCaptureExtension.class)
class Boot4CompatibilityTest {
    static final String ELECTION = "boot4-job";

    @SpringBootApplication
    @EnableScheduling
    static class App {
        @Bean
        Job job() {
            return new Job();
        }
    }

    static class Job {
        private final List<Long> runs = new CopyOnWriteArrayList<>();
        private final List<String> events = new CopyOnWriteArrayList<>();

        @Scheduled(fixedDelay = 20)
        @LeaderOnly(ELECTION)
        public void run() {
            runs.add(CurrentLeadership.fencingToken());
        }

        @EventListener
        public void on(LeadershipEvent e) {
            events.add((e instanceof LeadershipRevokedEvent ? "-" : "+") + e.fencingToken());
        }

        public List<Long> runs() {
            return runs;
        }

        public List<String> events() {
            return events;
        }
    }

    private final List<ConfigurableApplicationContext> started = new ArrayList<>();

    private ConfigurableApplicationContext start(String id) {
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .run(
                        "--elector.backend=memory:",
                        "--elector.candidate-id=" + id,
                        "--elector.lease-duration=3s",
                        "--management.endpoints.web.exposure.include=elector");
        started.add(ctx);
        return ctx;
    }

    @AfterEach
    void close() {
        started.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void runsOnSpringBoot4() {
        assertThat(SpringBootVersion.getVersion()).startsWith("4.");
    }

    @Test
    void oneInstanceRunsTheJobAndClosingItHandsOver() {
        ConfigurableApplicationContext a = start("boot4-a");
        ConfigurableApplicationContext b = start("boot4-b");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> a.getBean(Elections.class).isLeader(ELECTION)
                        || b.getBean(Elections.class).isLeader(ELECTION));
        ConfigurableApplicationContext leader = a.getBean(Elections.class).isLeader(ELECTION) ? a : b;
        ConfigurableApplicationContext follower = leader == a ? b : a;
        Job lj = leader.getBean(Job.class);
        Job fj = follower.getBean(Job.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> lj.runs().size() >= 5);
        assertThat(fj.runs()).isEmpty();
        long token = lj.runs().get(0);
        leader.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> fj.runs().size() >= 3);
        assertThat(fj.runs()).allMatch(t -> t > token);
        assertThat(lj.events()).containsExactly("+" + token, "-" + token);
    }

    @Test
    void metersAreRegisteredOnBoot4() {
        ConfigurableApplicationContext a = start("boot4-metrics");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> a.getBean(Elections.class).isLeader(ELECTION));
        MeterRegistry registry = a.getBean(MeterRegistry.class);
        assertThat(registry.get("elector.is.leader")
                        .tag("election", ELECTION)
                        .gauge()
                        .value())
                .isEqualTo(1.0);
    }

    /**
     * Boot 4 moved health contributors to org.springframework.boot.health (a new module); the
     * starter's contributor is written against Boot 3's actuator classes and stays off on Boot 4
     * (its auto-configuration is conditional on them), without breaking the start.
     */
    @Test
    void endpointWorksAndHealthContributorIsOffOnBoot4() {
        ConfigurableApplicationContext a = start("boot4-actuator");
        assertThat(a.getBeanNamesForType(io.elector.spring.actuate.ElectorEndpoint.class))
                .hasSize(1);
        assertThat(a.containsBean("electorHealthContributor")).isFalse();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> a.getBean(Elections.class).isLeader(ELECTION));
        var report = a.getBean(io.elector.spring.actuate.ElectorEndpoint.class).elections();
        assertThat(report.elections())
                .anyMatch(e -> e.election().equals(ELECTION) && e.role().equals("leader"));
    }

    @Test
    void misconfigurationIsReportedOnBoot4(CapturedOutput output) {
        SpringApplication app = new SpringApplication(App.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        assertThatThrownBy(() -> app.run("--elector.backend=foo:bar")).isInstanceOf(Exception.class);
        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains("elector.backend: unknown backend scheme 'foo:' in 'foo:bar'");
    }
}
