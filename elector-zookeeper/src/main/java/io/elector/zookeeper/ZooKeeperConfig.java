package io.elector.zookeeper;

import io.elector.api.InvalidSettingException;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where and how a {@link ZooKeeperBackend} connects. Validated when built.
 *
 * @param connectString ZooKeeper's {@code host:port[,host:port...]}
 * @param root the parent path of all elections (default {@value #DEFAULT_ROOT}); election {@code e}
 *     lives at {@code root/e}
 * @param sessionTimeout the session timeout requested (default 4 s; the server clamps it to its
 *     {@code [2, 20] x tickTime} range, and the negotiated value is what counts). A crashed leader is
 *     replaced after about this long.
 * @param connectionTimeout how long an operation waits for a connection before failing (default
 *     2 s)
 */
public record ZooKeeperConfig(String connectString, String root, Duration sessionTimeout, Duration connectionTimeout) {

    public static final String DEFAULT_ROOT = "/elector";
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(4);
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(2);

    // host, host:port or [ipv6]:port, comma-separated; a colon without a port is refused (the client
    // would quietly use 2181).
    private static final String HOST = "(?:[A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?";
    private static final Pattern HOSTS = Pattern.compile(HOST + "(?:," + HOST + ")*");
    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._\\-]+)+");

    public ZooKeeperConfig {
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
        Objects.requireNonNull(connectionTimeout, "connectionTimeout");
        if (connectString == null || !HOSTS.matcher(connectString).matches()) {
            throw new InvalidSettingException(
                    "zookeeper connect string must be host:port[,host:port...]: " + quote(connectString));
        }
        if (root == null || !PATH.matcher(root).matches()) {
            throw new InvalidSettingException("zookeeper root must be an absolute path of letters, digits, '.', '_'"
                    + " or '-' segments, like /elector: " + quote(root));
        }
        if (sessionTimeout.compareTo(Duration.ofMillis(500)) < 0
                || sessionTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new InvalidSettingException(
                    "zookeeper sessionTimeout must be between 500ms and 5m: " + sessionTimeout);
        }
        if (connectionTimeout.compareTo(Duration.ofMillis(100)) < 0
                || connectionTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new InvalidSettingException(
                    "zookeeper connectionTimeout must be between 100ms and 1m: " + connectionTimeout);
        }
    }

    /** Defaults for everything but the servers. */
    public static ZooKeeperConfig of(String connectString) {
        return new ZooKeeperConfig(connectString, DEFAULT_ROOT, DEFAULT_SESSION_TIMEOUT, DEFAULT_CONNECTION_TIMEOUT);
    }

    public ZooKeeperConfig withRoot(String r) {
        return new ZooKeeperConfig(connectString, r, sessionTimeout, connectionTimeout);
    }

    public ZooKeeperConfig withSessionTimeout(Duration d) {
        return new ZooKeeperConfig(connectString, root, d, connectionTimeout);
    }

    public ZooKeeperConfig withConnectionTimeout(Duration d) {
        return new ZooKeeperConfig(connectString, root, sessionTimeout, d);
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
