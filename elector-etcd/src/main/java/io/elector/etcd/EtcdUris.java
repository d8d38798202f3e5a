package io.elector.etcd;

import io.elector.api.InvalidSettingException;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Parses {@code etcd://host:port[,host:port...][/root][?ttl=3s&timeout=2s]}. */
final class EtcdUris {
    private EtcdUris() {}

    static EtcdConfig parse(URI uri) {
        if (uri.getScheme() == null || !uri.getScheme().equalsIgnoreCase("etcd")) {
            throw new InvalidSettingException("etcd URI must start with etcd://: " + uri);
        }
        // Several hosts make the authority unparseable for java.net.URI: take it from the raw text.
        String rest = uri.getRawSchemeSpecificPart();
        if (rest == null || !rest.startsWith("//")) {
            throw new InvalidSettingException("etcd URI must name servers, as in etcd://127.0.0.1:2379: " + uri);
        }
        rest = rest.substring(2);
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String hosts = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash);
        if (hosts.isEmpty()) {
            throw new InvalidSettingException("etcd URI must name servers, as in etcd://127.0.0.1:2379: " + uri);
        }
        if (hosts.contains("@")) {
            throw new InvalidSettingException("etcd URI must not carry credentials: authentication is not supported");
        }
        EtcdConfig c = EtcdConfig.of(hosts);
        if (!path.isEmpty() && !path.equals("/")) {
            c = c.withRoot(path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
        }
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                switch (key) {
                    case "ttl" -> c = c.withTtl(duration(key, value));
                    case "timeout" -> c = c.withOperationTimeout(duration(key, value));
                    default ->
                        throw new InvalidSettingException(
                                "unknown etcd URI option '" + key + "' (known: ttl, timeout): " + uri);
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
            throw new InvalidSettingException("etcd " + name + " must be like 500ms, 3s or PT3S: '" + s + "'");
        }
    }
}
