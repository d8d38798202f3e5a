package io.elector.redis;

import io.elector.api.InvalidSettingException;
import io.lettuce.core.RedisURI;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * Parses the Elector URI form {@code redis://[user[:password]@]host[:port][/database][?options]}
 * ({@code rediss://} for TLS). Options: {@code prefix} (key prefix), {@code timeout} (command
 * timeout: {@code 500ms}, {@code 2s} or ISO-8601), {@code guardKey}, {@code clientName}. The
 * password may instead come from the environment ({@code ELECTOR_REDIS_PASSWORD}, with {@code
 * ELECTOR_REDIS_USERNAME} for an ACL user); a password in the URI wins.
 */
final class RedisUris {
    static final String PASSWORD_ENV = "ELECTOR_REDIS_PASSWORD";
    static final String USERNAME_ENV = "ELECTOR_REDIS_USERNAME";

    private RedisUris() {}

    static RedisStoreConfig parse(URI uri, Map<String, String> env) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new InvalidSettingException("redis URI must start with redis:// or rediss://: " + redacted(uri));
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new InvalidSettingException(
                    "redis URI must name a host, as in redis://127.0.0.1:6379: " + redacted(uri));
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() == -1 ? RedisURI.DEFAULT_REDIS_PORT : uri.getPort();
        RedisURI.Builder b = RedisURI.builder().withHost(host).withPort(port).withSsl(scheme.equals("rediss"));
        b.withDatabase(database(uri));

        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            if (colon < 0) {
                password = decode(info); // redis://secret@host, as Lettuce and redis-cli read it
            } else {
                user = colon == 0 ? null : decode(info.substring(0, colon));
                password = decode(info.substring(colon + 1));
            }
        }
        if (password == null
                && env.get(PASSWORD_ENV) != null
                && !env.get(PASSWORD_ENV).isEmpty()) {
            password = env.get(PASSWORD_ENV);
            if (user == null
                    && env.get(USERNAME_ENV) != null
                    && !env.get(USERNAME_ENV).isEmpty()) {
                user = env.get(USERNAME_ENV);
            }
        }
        if (password != null) {
            if (user != null) {
                b.withAuthentication(user, password.toCharArray());
            } else {
                b.withPassword(password.toCharArray());
            }
        }

        String prefix = RedisStoreConfig.DEFAULT_PREFIX;
        String guardKey = RedisStoreConfig.DEFAULT_GUARD_KEY;
        Duration timeout = RedisStoreConfig.DEFAULT_COMMAND_TIMEOUT;
        if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                switch (key) {
                    case "prefix" -> prefix = value;
                    case "guardKey" -> guardKey = value;
                    case "timeout" -> timeout = duration(value);
                    case "clientName" -> b.withClientName(value);
                    default ->
                        throw new InvalidSettingException("unknown redis URI option '" + key
                                + "' (known: prefix, timeout, guardKey, clientName): " + redacted(uri));
                }
            }
        }
        b.withTimeout(timeout);
        return new RedisStoreConfig(b.build(), prefix, timeout, guardKey);
    }

    private static int database(URI uri) {
        String path = uri.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return 0;
        }
        try {
            int db = Integer.parseInt(path.substring(1));
            if (db < 0) {
                throw new NumberFormatException();
            }
            return db;
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(
                    "redis URI path must be a database number, as in redis://127.0.0.1:6379/0: " + redacted(uri));
        }
    }

    /** Parses {@code 500ms}, {@code 2s}, {@code 1m} or ISO-8601 ({@code PT0.5S}). */
    static Duration duration(String s) {
        try {
            String v = s.trim().toLowerCase(Locale.ROOT);
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s") && !v.startsWith("pt")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            }
            if (v.endsWith("m") && !v.startsWith("pt")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
            }
            return Duration.parse(s.trim().toUpperCase(Locale.ROOT));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new InvalidSettingException("redis timeout must be like 500ms, 2s or PT0.5S: '" + s + "'");
        }
    }

    /** The URI with any password replaced by {@code ***}: the only form ever logged or thrown. */
    static String redacted(URI uri) {
        String info = uri.getRawUserInfo();
        if (info == null) {
            return uri.toString();
        }
        int colon = info.indexOf(':');
        String safe = colon < 0 ? "***" : info.substring(0, colon) + ":***";
        String s = uri.toString();
        int at = s.indexOf(info + "@");
        return at < 0
                ? uri.getScheme() + "://***@" + uri.getHost()
                : s.substring(0, at) + safe + s.substring(at + info.length());
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
