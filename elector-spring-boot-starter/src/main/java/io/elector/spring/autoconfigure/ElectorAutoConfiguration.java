package io.elector.spring.autoconfigure;

import io.elector.api.InvalidSettingException;
import io.elector.api.Names;
import io.elector.core.Elector;
import io.elector.core.LeaseBackend;
import io.elector.spi.Backend;
import io.elector.spi.LeaseStore;
import io.elector.spring.BackendActivity;
import io.elector.spring.ElectionCustomizer;
import io.elector.spring.ElectionSettingsResolver;
import io.elector.spring.Elections;
import io.elector.spring.ElectorConfigurationException;
import io.elector.spring.ElectorLifecycle;
import io.elector.spring.ElectorProperties;
import io.elector.spring.LeaderOnlyBeanPostProcessor;
import io.elector.spring.NotLeaderPolicy;
import io.elector.spring.backend.BackendProvider;
import io.elector.spring.backend.BackendResolver;
import io.elector.spring.backend.BackendUris;
import io.elector.spring.backend.ObservedLeaseStore;
import io.elector.spring.backend.StoreCallListener;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * Elector for Spring Boot: an {@link Elector} on the backend named by {@code elector.backend}, the
 * {@link Elections} bean, {@code @LeaderOnly} proxies and the lifecycle that joins on start and
 * resigns on shutdown. A user-defined {@link Backend} bean replaces the URI, and so does a {@link
 * LeaseStore} bean (run on the core's lease engine, with health and metrics); a user-defined
 * {@link Elector} bean replaces all three.
 */
@AutoConfiguration
@EnableConfigurationProperties(ElectorProperties.class)
public class ElectorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public BackendActivity electorBackendActivity() {
        return new BackendActivity();
    }

    @Bean
    @ConditionalOnMissingBean
    public ElectionSettingsResolver electionSettingsResolver(ElectorProperties properties) {
        ElectionSettingsResolver r = new ElectionSettingsResolver(properties);
        r.validateAll();
        return r;
    }

    @Bean
    @ConditionalOnMissingBean
    public Elector elector(
            ElectorProperties properties,
            ElectionSettingsResolver settings,
            ObjectProvider<Backend> userBackend,
            ObjectProvider<LeaseStore> userStore,
            ObjectProvider<StoreCallListener> storeListeners,
            ResourceLoader resourceLoader) {
        Backend own = userBackend.getIfAvailable();
        LeaseStore store = own == null ? userStore.getIfAvailable() : null;
        List<StoreCallListener> listeners = storeListeners.orderedStream().toList();
        Backend backend;
        if (own != null) {
            backend = own;
        } else if (store != null) {
            // The application's store (say a JdbcLeaseStore on its own DataSource): Spring closes it.
            backend = LeaseBackend.of(LeaseStore.unclosable(new ObservedLeaseStore(store, listeners)));
        } else {
            backend = openBackend(properties, listeners, resourceLoader.getClassLoader());
        }
        try {
            Elector.Builder b = Elector.builder(backend).settings(settings.defaults());
            b.closeBackendOnClose(own == null);
            if (properties.getCandidateId() != null) {
                try {
                    b.candidateId(properties.getCandidateId());
                } catch (InvalidSettingException e) {
                    throw new ElectorConfigurationException(
                            "elector.candidate-id",
                            e.getMessage(),
                            "Change elector.candidate-id or leave it unset.",
                            e);
                }
            }
            try {
                b.metadata(properties.getMetadata());
            } catch (InvalidSettingException e) {
                throw new ElectorConfigurationException(
                        "elector.metadata", e.getMessage(), "Change the entries under elector.metadata.", e);
            }
            return b.build();
        } catch (RuntimeException e) {
            if (own == null) {
                backend.close();
            }
            throw e;
        }
    }

    /** Resolves and opens the backend, bounded by {@code elector.startup-timeout}. */
    static Backend openBackend(ElectorProperties properties, List<StoreCallListener> listeners, ClassLoader loader) {
        Duration timeout = properties.getStartupTimeout();
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new ElectorConfigurationException(
                    "elector.startup-timeout", "must be positive: " + timeout, "Set a duration like 10s.");
        }
        BackendProvider provider = BackendResolver.fromClassPath(loader).resolve(properties.getBackend());
        String uri = properties.getBackend().strip();
        FutureTask<Backend> open =
                new FutureTask<>(() -> provider.open(uri, s -> new ObservedLeaseStore(s, listeners)));
        Thread t = new Thread(open, "elector-backend-open");
        t.setDaemon(true);
        t.start();
        try {
            // Bounded so that a backend that hangs on connect cannot hold up the context start.
            return open.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            open.cancel(true);
            throw new ElectorConfigurationException(
                    "elector.backend",
                    "'" + BackendUris.redact(uri) + "' did not open within elector.startup-timeout (" + timeout + ")",
                    "Check that the backend is reachable, or raise elector.startup-timeout.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ElectorConfigurationException(
                    "elector.backend", "interrupted while opening the backend", "Retry the start.", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw new ElectorConfigurationException(
                    "elector.backend",
                    "'" + BackendUris.redact(uri) + "' could not be opened: "
                            + BackendUris.redact(String.valueOf(c.getMessage())),
                    "Check the URI and that the backend's server is reachable.",
                    c);
        }
    }

    @Bean
    @ConditionalOnMissingBean
    public Elections elections(
            Elector elector,
            ElectionSettingsResolver settings,
            ApplicationEventPublisher publisher,
            ObjectProvider<ElectionCustomizer> customizers,
            BackendActivity activity) {
        return new Elections(
                elector, settings, publisher, customizers.orderedStream().toList(), activity);
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    public static LeaderOnlyBeanPostProcessor leaderOnlyBeanPostProcessor(
            ObjectProvider<Elections> elections, Environment environment) {
        return new LeaderOnlyBeanPostProcessor(
                elections::getObject,
                () -> Binder.get(environment)
                        .bind("elector.leader-only.when-not-leader", NotLeaderPolicy.class)
                        .orElse(NotLeaderPolicy.SKIP));
    }

    @Bean
    @ConditionalOnMissingBean
    public ElectorLifecycle electorLifecycle(
            Elections elections, ElectorProperties properties, LeaderOnlyBeanPostProcessor leaderOnly) {
        Duration timeout = properties.getShutdownTimeout();
        if (timeout == null || timeout.isNegative()) {
            throw new ElectorConfigurationException(
                    "elector.shutdown-timeout", "must not be negative: " + timeout, "Set a duration like 10s.");
        }
        for (String name : properties.getElections().keySet()) {
            Names.election(name);
        }
        return new ElectorLifecycle(elections, () -> names(leaderOnly, properties), timeout);
    }

    private static Collection<String> names(LeaderOnlyBeanPostProcessor leaderOnly, ElectorProperties properties) {
        Set<String> names = new TreeSet<>(leaderOnly.electionNames());
        names.addAll(properties.getElections().keySet());
        return names;
    }
}
