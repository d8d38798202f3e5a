package io.elector.spring;

import io.elector.api.ElectorException;

/**
 * An {@code elector.*} property has a value the starter cannot use. The message names the
 * property, the value (without any password) and what is allowed; the failure analyzer prints it
 * as the one reason the application did not start.
 */
public class ElectorConfigurationException extends ElectorException {
    private static final long serialVersionUID = 1L;

    private final String property;
    private final String action;

    /**
     * @param property the property name, as written in application.yml ({@code elector.backend})
     * @param message what is wrong, naming the value
     * @param action what to do about it
     */
    public ElectorConfigurationException(String property, String message, String action) {
        super(property + ": " + message);
        this.property = property;
        this.action = action;
    }

    public ElectorConfigurationException(String property, String message, String action, Throwable cause) {
        super(property + ": " + message, cause);
        this.property = property;
        this.action = action;
    }

    /** The property at fault. */
    public String property() {
        return property;
    }

    /** What to do about it. */
    public String action() {
        return action;
    }
}
