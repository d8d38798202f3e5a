package io.elector.etcd;

import io.elector.api.InvalidSettingException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where and how an {@link EtcdBackend} connects. Validated when built.
 *
 * @param endpoints etcd client endpoints as {@code host:port} (plain-text gRPC; no TLS, no auth)
 * @param root the key prefix of all elections (default {@value #DEFAULT_ROOT}); candidates of
 *     election {@code e} put keys under {@code root/e/}
 * @param ttl the TTL of the process's lease, whole seconds (default 3 s). etcd raises a TTL below
 *     its minimum (about 1.5 x its election timeout, 2 s with etcd's defaults) and the granted TTL
 *     is what every deadline uses. A crashed leader is replaced after about this long.
 * @param operationTimeout how long one etcd request may take before it counts as failed (default
 *     2 s)
 */
public record EtcdConfig(List<String> endpoints, String root, Duration ttl, Duration operationTimeout) {

    public static final String DEFAULT_ROOT = "/elector";
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(3);
    public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(2);

    private static final Pattern ENDPOINT = Pattern.compile("([A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+\\]):[0-9]{1,5}");
    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._\\-]+)+");

    public EtcdConfig {
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(operationTimeout, "operationTimeout");
        if (endpoints == null || endpoints.isEmpty()) {
            throw new InvalidSettingException("etcd endpoints must name at least one host:port");
        }
        endpoints = List.copyOf(endpoints);
        for (String e : endpoints) {
            if (e == null || !ENDPOINT.matcher(e).matches() || port(e) < 1 || port(e) > 65535) {
                throw new InvalidSettingException(
                        "etcd endpoint must be host:port with a port in 1..65535: " + quote(e));
            }
        }
        if (root == null || !PATH.matcher(root).matches()) {
            throw new InvalidSettingException("etcd root must be an absolute path of letters, digits, '.', '_'"
                    + " or '-' segments, like /elector: " + quote(root));
        }
        if (ttl.toMillis() % 1000 != 0
                || ttl.compareTo(Duration.ofSeconds(1)) < 0
                || ttl.compareTo(Duration.ofHours(1)) > 0) {
            throw new InvalidSettingException("etcd ttl must be whole seconds between 1s and 1h: " + ttl);
        }
        if (operationTimeout.compareTo(Duration.ofMillis(100)) < 0
                || operationTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new InvalidSettingException(
                    "etcd operationTimeout must be between 100ms and 1m: " + operationTimeout);
        }
    }

    /** Defaults for everything but the endpoints ({@code host:port[,host:port...]}). */
    public static EtcdConfig of(String endpoints) {
        if (endpoints == null || endpoints.isBlank()) {
            throw new InvalidSettingException("etcd endpoints must name at least one host:port: " + quote(endpoints));
        }
        return new EtcdConfig(List.of(endpoints.split(",", -1)), DEFAULT_ROOT, DEFAULT_TTL, DEFAULT_OPERATION_TIMEOUT);
    }

    public EtcdConfig withRoot(String r) {
        return new EtcdConfig(endpoints, r, ttl, operationTimeout);
    }

    public EtcdConfig withTtl(Duration d) {
        return new EtcdConfig(endpoints, root, d, operationTimeout);
    }

    public EtcdConfig withOperationTimeout(Duration d) {
        return new EtcdConfig(endpoints, root, ttl, d);
    }

    /** The endpoints joined by commas, as in the URI. */
    public String endpointList() {
        return String.join(",", endpoints);
    }

    private static int port(String endpoint) {
        try {
            return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
