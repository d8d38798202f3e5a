package io.elector.spring.backend;

import java.util.Locale;
import java.util.regex.Pattern;

/** Scheme extraction and password redaction for backend URIs (same rules as the elector command). */
public final class BackendUris {
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");
    private static final Pattern USERINFO_PASSWORD = Pattern.compile("(//[^/@:?#]*):[^/@?#]*@");
    private static final Pattern SECRET_PARAM =
            Pattern.compile("(?i)((?:password|passwd|pwd|secret|token|accountkey|sharedaccesssignature|sig)=)[^&;]*");

    private BackendUris() {}

    /** The scheme in lower case, or null if {@code uri} has none. */
    public static String scheme(String uri) {
        if (uri == null) {
            return null;
        }
        String t = uri.strip();
        int colon = t.indexOf(':');
        if (colon <= 0 || !SCHEME.matcher(t.substring(0, colon)).matches()) {
            return null;
        }
        return t.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    /** {@code uri} with every password replaced by {@code ****}. */
    public static String redact(String uri) {
        if (uri == null) {
            return "null";
        }
        String s = USERINFO_PASSWORD.matcher(uri).replaceAll("$1:****@");
        return SECRET_PARAM.matcher(s).replaceAll("$1****");
    }
}
