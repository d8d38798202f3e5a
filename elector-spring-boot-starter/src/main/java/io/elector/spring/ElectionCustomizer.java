package io.elector.spring;

import io.elector.api.Election;
import io.elector.api.Registration;

/**
 * Attaches something (meters, listeners) to each election this instance joins. Beans of this type
 * are called once per join, on the thread that joins; the returned registration is closed when the
 * election is left.
 */
@FunctionalInterface
public interface ElectionCustomizer {
    Registration customize(Election election);
}
