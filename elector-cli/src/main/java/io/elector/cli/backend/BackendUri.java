package io.elector.cli.backend;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A backend URI as the user wrote it, split into scheme, the part after the scheme and the query
 * parameters. {@link #toString()} and {@link #redacted()} never show a password: neither the one
 * in {@code user:password@} nor a {@code password=}/{@code secret=}/key-like query parameter.
 */
public final class BackendUri {
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");
    private static final Pattern USERINFO_PASSWORD = Pattern.compile("(//[^/@:?#]*):[^/@?#]*@");
    private static final Pattern SECRET_PARAM =
            Pattern.compile("(?i)((?:password|passwd|pwd|secret|token|accountkey|sharedaccesssignature|sig)=)[^&;]*");

    private final String text;
    private final String scheme;
    private final String rest;
    private final Map<String, String> query;

    private BackendUri(String text, String scheme, String rest, Map<String, String> query) {
        this.text = text;
        this.scheme = scheme;
        this.rest = rest;
        this.query = query;
    }

    /**
     * Parses {@code scheme:rest}. Only the scheme and the query are interpreted here; the provider
     * reads the rest.
     *
     * @throws BackendConfigException if there is no scheme
     */
    public static BackendUri parse(String text) {
        if (text == null || text.isBlank()) {
            throw new BackendConfigException("backend URI is empty; for example --backend memory:");
        }
        String t = text.strip();
        int colon = t.indexOf(':');
        if (colon <= 0 || !SCHEME.matcher(t.substring(0, colon)).matches()) {
            throw new BackendConfigException(
                    "backend URI has no scheme (like 'raft:' or 'postgresql:'): '" + redact(t) + "'");
        }
        String scheme = t.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = t.substring(colon + 1);
        return new BackendUri(t, scheme, rest, parseQuery(rest));
    }

    private static Map<String, String> parseQuery(String rest) {
        int q = rest.indexOf('?');
        if (q < 0) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : rest.substring(q + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return Collections.unmodifiableMap(out);
    }

    /** The scheme in lower case, without the colon. */
    public String scheme() {
        return scheme;
    }

    /** Everything after {@code scheme:}, query included, as written. */
    public String rest() {
        return rest;
    }

    /** The query parameters (decoded), in order; empty if none. */
    public Map<String, String> query() {
        return query;
    }

    /** The URI as written (it may contain a password: never log it, use {@link #redacted()}). */
    public String raw() {
        return text;
    }

    /**
     * The URI as a {@link URI} for hierarchical schemes ({@code scheme://host:port/path?query}).
     *
     * @throws BackendConfigException if it is not a valid URI
     */
    public URI toUri() {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new BackendConfigException("malformed backend URI '" + redacted() + "': " + e.getReason());
        }
    }

    /** The URI with every password replaced by {@code ****}. */
    public String redacted() {
        return redact(text);
    }

    /** {@code text} with passwords replaced by {@code ****}; usable on any string holding a URI. */
    public static String redact(String text) {
        String s = USERINFO_PASSWORD.matcher(text).replaceAll("$1:****@");
        return SECRET_PARAM.matcher(s).replaceAll("$1****");
    }

    @Override
    public String toString() {
        return redacted();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BackendUri u && u.text.equals(text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(text);
    }
}
