package io.elector.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elector.spring.autoconfigure.ElectorAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A bad elector.* value fails the context start with one message naming the property. */
@ExtendWith(OutputCaptureExtension.class)
class MisconfigurationTest {
    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ElectorAutoConfiguration.class));

    @SpringBootApplication
    static class App {}

    private ElectorConfigurationException failure(ApplicationContextRunner r, String... properties) {
        ElectorConfigurationException[] out = new ElectorConfigurationException[1];
        r.withPropertyValues(properties).run(ctx -> {
            assertThat(ctx).hasFailed();
            Throwable t = ctx.getStartupFailure();
            while (t != null && !(t instanceof ElectorConfigurationException)) {
                t = t.getCause();
            }
            assertThat(t)
                    .as("an ElectorConfigurationException in %s", ctx.getStartupFailure())
                    .isNotNull();
            out[0] = (ElectorConfigurationException) t;
        });
        return out[0];
    }

    @Test
    void missingBackendNamesThePropertyAndAnExample() {
        ElectorConfigurationException e = failure(runner);
        assertThat(e.property()).isEqualTo("elector.backend");
        assertThat(e.getMessage()).contains("no backend is configured");
        assertThat(e.action()).contains("memory:");
    }

    @Test
    void unknownSchemeListsTheKnownOnes() {
        ElectorConfigurationException e = failure(runner, "elector.backend=foo://127.0.0.1:1");
        assertThat(e.getMessage()).isEqualTo("elector.backend: unknown backend scheme 'foo:' in 'foo://127.0.0.1:1'");
        assertThat(e.action()).contains("memory:", "postgresql:", "raft:");
    }

    @Test
    void uriWithoutSchemeIsRefused() {
        ElectorConfigurationException e = failure(runner, "elector.backend=127.0.0.1:5432");
        assertThat(e.getMessage()).contains("has no scheme");
    }

    @Test
    void missingBackendModuleIsNamed() {
        ElectorConfigurationException e = failure(
                runner.withClassLoader(new FilteredClassLoader("io.elector.jdbc.")),
                "elector.backend=postgresql://127.0.0.1:5432/test?user=postgres");
        assertThat(e.getMessage())
                .isEqualTo(
                        "elector.backend: the 'postgresql:' backend of 'postgresql://127.0.0.1:5432/test?user=postgres'"
                                + " needs module io.elector:elector-jdbc, which is not on the class path");
        assertThat(e.action()).isEqualTo("Add the dependency io.elector:elector-jdbc to the application.");
    }

    @Test
    void moduleOfANotYetPresentBackendIsNamed() {
        ElectorConfigurationException e = failure(runner, "elector.backend=zookeeper://127.0.0.1:2181/elector");
        assertThat(e.getMessage()).contains("needs module io.elector:elector-zookeeper");
    }

    @Test
    void malformedUriIsReportedWithoutItsPassword() {
        ElectorConfigurationException e = failure(runner, "elector.backend=postgresql://u:s3cret@/test");
        assertThat(e.getMessage())
                .startsWith("elector.backend: malformed backend URI")
                .doesNotContain("s3cret");
        assertThat(e.getMessage()).contains("u:****@");
    }

    @Test
    void memoryTakesNoAddress() {
        ElectorConfigurationException e = failure(runner, "elector.backend=memory://somewhere");
        assertThat(e.getMessage()).contains("the memory backend takes no address");
    }

    @Test
    void leaseOutOfRangeNamesTheProperty() {
        ElectorConfigurationException e = failure(runner, "elector.backend=memory:", "elector.lease-duration=10ms");
        assertThat(e.property()).isEqualTo("elector.lease-duration");
        assertThat(e.getMessage()).contains("between 100ms and 1h").contains("PT0.01S");
    }

    @Test
    void perElectionOverrideNamesItsOwnProperty() {
        ElectorConfigurationException e =
                failure(runner, "elector.backend=memory:", "elector.elections.reports.renew-interval=10s");
        assertThat(e.property()).isEqualTo("elector.elections.reports.renew-interval");
        assertThat(e.getMessage()).contains("renewInterval must be > 0 and at most half");
    }

    @Test
    void globalRenewTooLongForAnElectionsLeaseNamesTheGlobalProperty() {
        ElectorConfigurationException e = failure(
                runner,
                "elector.backend=memory:",
                "elector.renew-interval=2s",
                "elector.elections.fast.lease-duration=1s");
        assertThat(e.property()).isEqualTo("elector.renew-interval");
    }

    @Test
    void driftOutOfRange() {
        ElectorConfigurationException e = failure(runner, "elector.backend=memory:", "elector.clock-drift-bound=0.5");
        assertThat(e.property()).isEqualTo("elector.clock-drift-bound");
    }

    @Test
    void badElectionNameUnderElections() {
        ElectorConfigurationException e =
                failure(runner, "elector.backend=memory:", "elector.elections[-bad].lease-duration=5s");
        assertThat(e.property()).isEqualTo("elector.elections.-bad");
    }

    @Test
    void badCandidateId() {
        ElectorConfigurationException e = failure(runner, "elector.backend=memory:", "elector.candidate-id=has space");
        assertThat(e.property()).isEqualTo("elector.candidate-id");
        assertThat(e.getMessage()).contains("'has space'");
    }

    @Test
    void leaseSetAloneIsValidBecauseRenewAndRetryFollowIt() {
        runner.withPropertyValues("elector.backend=memory:", "elector.lease-duration=300ms")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    var s = ctx.getBean(ElectionSettingsResolver.class).defaults();
                    assertThat(s.renewInterval().toMillis()).isEqualTo(60);
                    assertThat(s.retryInterval().toMillis()).isEqualTo(30);
                });
    }

    @Test
    void unparseableDurationFailsNamingTheProperty(CapturedOutput output) {
        SpringApplication app = new SpringApplication(App.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        assertThatThrownBy(() -> app.run("--elector.backend=memory:", "--elector.lease-duration=five seconds"))
                .isInstanceOf(Exception.class);
        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains("elector.lease-duration");
    }

    @Test
    void failureReportIsTheOneMessageAndTheAction(CapturedOutput output) {
        SpringApplication app = new SpringApplication(App.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        assertThatThrownBy(() -> app.run("--elector.backend=foo:bar")).isInstanceOf(Exception.class);
        String printed = output.getOut() + output.getErr();
        assertThat(printed)
                .contains("APPLICATION FAILED TO START")
                .contains("Description:\n\nelector.backend: unknown backend scheme 'foo:' in 'foo:bar'")
                .contains("Action:\n\nUse one of the schemes known here: ");
    }

    @Test
    void analyzerFindsTheCauseInsideBeanCreationFailures() {
        runner.withPropertyValues("elector.backend=foo:").run(ctx -> {
            FailureAnalysis a = new ElectorFailureAnalyzer().analyze(ctx.getStartupFailure());
            assertThat(a).isNotNull();
            assertThat(a.getDescription()).startsWith("elector.backend: unknown backend scheme");
        });
    }
}
