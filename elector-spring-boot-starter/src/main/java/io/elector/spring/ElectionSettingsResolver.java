package io.elector.spring;

import io.elector.api.ElectionSettings;
import io.elector.api.InvalidSettingException;
import io.elector.api.Names;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns {@code elector.*} and {@code elector.elections.<name>.*} into validated {@link
 * ElectionSettings}. A per-election value overrides the global one; an unset renew or retry
 * interval is derived from the lease ({@code lease / 5}, {@code lease / 10}), so that setting the
 * lease alone is always valid. A bad value throws {@link ElectorConfigurationException} naming the
 * property.
 */
public final class ElectionSettingsResolver implements Function<String, ElectionSettings> {
    private static final ElectorProperties.ElectionProperties NONE = new ElectorProperties.ElectionProperties();

    private final ElectorProperties properties;

    public ElectionSettingsResolver(ElectorProperties properties) {
        this.properties = properties;
    }

    /** The settings of elections without their own. */
    public ElectionSettings defaults() {
        return resolve(null, NONE);
    }

    /** Validates the global settings and every configured election. */
    public void validateAll() {
        defaults();
        for (Map.Entry<String, ElectorProperties.ElectionProperties> e :
                properties.getElections().entrySet()) {
            try {
                Names.election(e.getKey());
            } catch (InvalidSettingException x) {
                throw new ElectorConfigurationException(
                        "elector.elections." + e.getKey(),
                        x.getMessage(),
                        "Rename the election under elector.elections.",
                        x);
            }
            resolve(e.getKey(), e.getValue());
        }
    }

    @Override
    public ElectionSettings apply(String election) {
        return resolve(election, properties.getElections().getOrDefault(election, NONE));
    }

    private ElectionSettings resolve(String election, ElectorProperties.ElectionProperties own) {
        Duration lease = first(own.getLeaseDuration(), properties.getLeaseDuration(), ElectionSettings.DEFAULT_LEASE);
        Duration renew = first(own.getRenewInterval(), properties.getRenewInterval(), null);
        Duration retry = first(own.getRetryInterval(), properties.getRetryInterval(), null);
        Double drift = first(own.getClockDriftBound(), properties.getClockDriftBound(), ElectionSettings.DEFAULT_DRIFT);
        try {
            return new ElectionSettings(
                    lease,
                    renew != null ? renew : positive(lease.dividedBy(5)),
                    retry != null ? retry : positive(lease.dividedBy(10)),
                    drift);
        } catch (InvalidSettingException | NullPointerException | ArithmeticException e) {
            String field = field(e.getMessage());
            String property = property(election, own, field);
            throw new ElectorConfigurationException(
                    property,
                    e.getMessage(),
                    "Change " + property + " (lease 100ms..1h; renew > 0 and at most half the lease less the"
                            + " drift bound; retry > 0 and at most the lease; drift 0..0.1). Durations are"
                            + " written like 5s, 500ms or PT5S.",
                    e);
        }
    }

    private static Duration positive(Duration d) {
        return d.isZero() ? Duration.ofNanos(1) : d;
    }

    private static String field(String message) {
        if (message == null) {
            return "leaseDuration";
        }
        for (String f : new String[] {"leaseDuration", "renewInterval", "retryInterval", "clockDriftBound"}) {
            if (message.startsWith(f)) {
                return f;
            }
        }
        return "leaseDuration";
    }

    /** The property that holds {@code field} for {@code election}: its own if set, else the global one. */
    private static String property(String election, ElectorProperties.ElectionProperties own, String field) {
        String kebab = switch (field) {
            case "renewInterval" -> "renew-interval";
            case "retryInterval" -> "retry-interval";
            case "clockDriftBound" -> "clock-drift-bound";
            default -> "lease-duration";
        };
        Object ownValue = switch (field) {
            case "renewInterval" -> own.getRenewInterval();
            case "retryInterval" -> own.getRetryInterval();
            case "clockDriftBound" -> own.getClockDriftBound();
            default -> own.getLeaseDuration();
        };
        return election != null && ownValue != null
                ? "elector.elections." + election + "." + kebab
                : "elector." + kebab;
    }

    private static <T> T first(T a, T b, T fallback) {
        return a != null ? a : b != null ? b : fallback;
    }
}
