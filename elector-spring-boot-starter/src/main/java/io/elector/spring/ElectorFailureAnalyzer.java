package io.elector.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an {@link ElectorConfigurationException} anywhere in a failed start into Spring Boot's
 * "APPLICATION FAILED TO START" report: one description naming the property, and the action.
 */
public class ElectorFailureAnalyzer extends AbstractFailureAnalyzer<ElectorConfigurationException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ElectorConfigurationException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}
