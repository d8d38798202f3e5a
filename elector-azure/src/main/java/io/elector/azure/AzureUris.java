package io.elector.azure;

import io.elector.api.InvalidSettingException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Elector URIs for Azure Blob Storage (the command line's {@code --backend}):
 *
 * <ul>
 *   <li>{@code azblob:///CONTAINER} — everything else from the connection string in env {@code
 *       AZURE_STORAGE_CONNECTION_STRING} (the portal's, a SAS connection string, or Azurite's); a bare
 *       {@code azblob:} means the default container {@value AzureStoreConfig#DEFAULT_CONTAINER}.
 *   <li>{@code azblob://ACCOUNT.blob.core.windows.net/CONTAINER} — endpoint {@code https://HOST}; the
 *       credential from env {@code AZURE_STORAGE_KEY} (account name from {@code AZURE_STORAGE_ACCOUNT}
 *       or the host's first label) or {@code AZURE_STORAGE_SAS_TOKEN}.
 *   <li>{@code azblob://127.0.0.1:10000/ACCOUNT/CONTAINER} — a loopback host (an emulator such as
 *       Azurite): plain {@code http} and the account in the path.
 * </ul>
 *
 * Options: {@code ?prefix=BLOB_PREFIX&timeout=2s&rollback-safe=true} (see {@link
 * AzureStoreConfig#withRollbackSafe}). Secrets only come from the environment, never from
 * the URI, and are never part of a message.
 */
public final class AzureUris {
    public static final String CONNECTION_STRING_ENV = "AZURE_STORAGE_CONNECTION_STRING";
    public static final String ACCOUNT_ENV = "AZURE_STORAGE_ACCOUNT";
    public static final String KEY_ENV = "AZURE_STORAGE_KEY";
    public static final String SAS_ENV = "AZURE_STORAGE_SAS_TOKEN";
    private static final Set<String> OPTIONS = Set.of("prefix", "timeout", "rollback-safe");

    private AzureUris() {}

    /** Parses an {@code azblob:} URI with the given environment. */
    public static AzureStoreConfig parse(String text, Map<String, String> env) {
        String t = text.strip();
        if (t.equalsIgnoreCase("azblob:") || t.equalsIgnoreCase("azblob://") || t.equalsIgnoreCase("azblob:///")) {
            // No container: the default one, with the connection string from the environment.
            t = "azblob:///" + AzureStoreConfig.DEFAULT_CONTAINER;
        }
        URI uri;
        try {
            uri = new URI(t);
        } catch (URISyntaxException e) {
            throw new InvalidSettingException("malformed azblob URI: " + e.getReason());
        }
        if (!"azblob".equalsIgnoreCase(uri.getScheme())) {
            throw new InvalidSettingException("not an azblob: URI (azblob:///CONTAINER or"
                    + " azblob://ACCOUNT.blob.core.windows.net/CONTAINER)");
        }
        if (uri.getRawUserInfo() != null) {
            throw new InvalidSettingException("azblob URIs take no user or key; set " + KEY_ENV + ", " + SAS_ENV
                    + " or " + CONNECTION_STRING_ENV + " in the environment");
        }
        Map<String, String> query = query(uri.getRawQuery());
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String host = uri.getHost();
        AzureStoreConfig config;
        String container;
        if (host == null || host.isEmpty()) {
            String cs = env.get(CONNECTION_STRING_ENV);
            if (cs == null || cs.isBlank()) {
                throw new InvalidSettingException("azblob:///CONTAINER takes the account from env "
                        + CONNECTION_STRING_ENV + ", which is not set");
            }
            if (path.isEmpty() || path.contains("/")) {
                throw new InvalidSettingException("azblob:///CONTAINER needs exactly one container name in the path");
            }
            container = path;
            config = AzureStoreConfig.connectionString(cs);
        } else {
            boolean loopback = isLoopback(host);
            String account;
            if (loopback) {
                String[] parts = path.split("/");
                if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                    throw new InvalidSettingException(
                            "an azblob URI with a loopback host (an emulator) is azblob://HOST:PORT/ACCOUNT/CONTAINER");
                }
                account = parts[0];
                container = parts[1];
            } else {
                if (path.isEmpty() || path.contains("/")) {
                    throw new InvalidSettingException(
                            "azblob://ACCOUNT.blob.core.windows.net/CONTAINER needs exactly one container name in the path");
                }
                container = path;
                String envAccount = env.get(ACCOUNT_ENV);
                account = envAccount != null && !envAccount.isBlank() ? envAccount : host.split("\\.")[0];
            }
            String hostPort = (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host)
                    + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
            String endpoint = (loopback ? "http://" + hostPort + "/" + account : "https://" + hostPort);
            String key = env.get(KEY_ENV);
            String sas = env.get(SAS_ENV);
            if (key != null && !key.isBlank()) {
                config = AzureStoreConfig.accountKey(endpoint, account, key.strip());
            } else if (sas != null && !sas.isBlank()) {
                config = AzureStoreConfig.sasToken(endpoint, sas.strip());
            } else {
                throw new InvalidSettingException("no credential for " + endpoint + ": set " + KEY_ENV + " (with "
                        + ACCOUNT_ENV + ") or " + SAS_ENV + ", or use azblob:///" + container + " with "
                        + CONNECTION_STRING_ENV);
            }
        }
        config = config.withContainer(container);
        for (Map.Entry<String, String> e : query.entrySet()) {
            switch (e.getKey()) {
                case "prefix" -> config = config.withBlobPrefix(e.getValue());
                case "timeout" -> config = config.withRequestTimeout(duration(e.getValue()));
                case "rollback-safe" -> {
                    String v = e.getValue().strip().toLowerCase(java.util.Locale.ROOT);
                    if (!v.equals("true") && !v.equals("false")) {
                        throw new InvalidSettingException(
                                "azblob option rollback-safe must be true or false: '" + e.getValue() + "'");
                    }
                    config = config.withRollbackSafe(v.equals("true"));
                }
                default ->
                    throw new InvalidSettingException(
                            "unknown azblob option '" + e.getKey() + "' (known: " + OPTIONS + ")");
            }
        }
        return config;
    }

    private static boolean isLoopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name: not resolved here
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k.toLowerCase(Locale.ROOT), v);
        }
        return out;
    }

    /** {@code 500ms}, {@code 2s}, {@code 1m} or ISO-8601 ({@code PT2S}). */
    static Duration duration(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("pt")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            }
            if (t.endsWith("m")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            // fall through
        }
        throw new InvalidSettingException("azblob timeout must look like 500ms, 2s or PT2S: '" + s + "'");
    }
}
