package io.elector.spring.autoconfigure;

import io.elector.spring.actuate.ElectionMeters;
import io.elector.spring.actuate.StoreCallMeters;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** Micrometer meters for each election and for store calls, when a {@link MeterRegistry} bean exists. */
@AutoConfiguration(
        after = ElectorAutoConfiguration.class,
        afterName = {
            // Spring Boot 3.x
            "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
            // Spring Boot 4.x
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"
        })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
public class ElectorMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public ElectionMeters electionMeters(MeterRegistry registry) {
        return new ElectionMeters(registry);
    }

    @Bean
    @ConditionalOnMissingBean
    public StoreCallMeters storeCallMeters(MeterRegistry registry) {
        return new StoreCallMeters(registry);
    }
}
