package io.elector.spring.autoconfigure;

import io.elector.spring.BackendActivity;
import io.elector.spring.ElectionSettingsResolver;
import io.elector.spring.Elections;
import io.elector.spring.actuate.ElectorHealthContributor;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code elector} health contributor (Spring Boot 3 actuator). Off with {@code
 * management.health.elector.enabled=false}.
 */
@AutoConfiguration(after = ElectorAutoConfiguration.class)
@ConditionalOnClass(
        name = {
            "org.springframework.boot.actuate.health.HealthContributor",
            "org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator"
        })
@ConditionalOnBean(Elections.class)
@ConditionalOnEnabledHealthIndicator("elector")
public class ElectorHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "electorHealthContributor")
    public ElectorHealthContributor electorHealthContributor(
            Elections elections, BackendActivity activity, ElectionSettingsResolver settings) {
        return new ElectorHealthContributor(elections, activity, settings);
    }
}
