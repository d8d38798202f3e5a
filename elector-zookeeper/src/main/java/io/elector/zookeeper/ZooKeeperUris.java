package io.elector.zookeeper;

import io.elector.api.InvalidSettingException;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Parses {@code zookeeper://host:port[,host:port...][/root][?sessionTimeout=4s&connectionTimeout=2s]}. */
final class ZooKeeperUris {
    private ZooKeeperUris() {}

    static ZooKeeperConfig parse(URI uri) {
        if (uri.getScheme() == null || !uri.getScheme().equalsIgnoreCase("zookeeper")) {
            throw new InvalidSettingException("zookeeper URI must start with zookeeper://: " + uri);
        }
        String hosts = uri.getRawAuthority();
        if (hosts == null || hosts.isEmpty()) {
            throw new InvalidSettingException(
                    "zookeeper URI must name servers, as in zookeeper://127.0.0.1:2181/elector: " + uri);
        }
        if (hosts.contains("@")) {
            throw new InvalidSettingException("zookeeper URI must not carry credentials: use a JAAS configuration");
        }
        String path = uri.getPath();
        ZooKeeperConfig c = ZooKeeperConfig.of(hosts);
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            c = c.withRoot(path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
        }
        if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                switch (key) {
                    case "sessionTimeout" -> c = c.withSessionTimeout(duration(key, value));
                    case "connectionTimeout" -> c = c.withConnectionTimeout(duration(key, value));
                    default ->
                        throw new InvalidSettingException("unknown zookeeper URI option '" + key
                                + "' (known: sessionTimeout, connectionTimeout): " + uri);
                }
            }
        }
        return c;
    }

    static Duration duration(String name, String s) {
        try {
            String v = s.trim().toLowerCase(Locale.ROOT);
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s") && !v.startsWith("pt")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            }
            return Duration.parse(s.trim().toUpperCase(Locale.ROOT));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new InvalidSettingException("zookeeper " + name + " must be like 500ms, 4s or PT4S: '" + s + "'");
        }
    }
}
