package io.elector.spring.autoconfigure;

import io.elector.spring.BackendActivity;
import io.elector.spring.ElectionSettingsResolver;
import io.elector.spring.Elections;
import io.elector.spring.actuate.ElectorEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The {@code /actuator/elector} endpoint, when the actuator is present and the endpoint available. */
@AutoConfiguration(after = ElectorAutoConfiguration.class)
@ConditionalOnClass(
        name = {
            "org.springframework.boot.actuate.endpoint.annotation.Endpoint",
            "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"
        })
@ConditionalOnBean(Elections.class)
@ConditionalOnAvailableEndpoint(endpoint = ElectorEndpoint.class)
public class ElectorEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public ElectorEndpoint electorEndpoint(
            Elections elections, BackendActivity activity, ElectionSettingsResolver settings) {
        return new ElectorEndpoint(elections, activity, settings);
    }
}
