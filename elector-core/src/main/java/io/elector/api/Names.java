package io.elector.api;

import java.util.Map;
import java.util.regex.Pattern;

/** Validation of election names, candidate ids and metadata; shared by every entry point. */
public final class Names {
    private static final Pattern ELECTION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern CANDIDATE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
    private static final Pattern META_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** Largest total size of metadata keys and values, in UTF-16 chars. */
    public static final int MAX_METADATA_CHARS = 4096;

    private Names() {}

    /** Returns {@code name} if it is a valid election name, else throws naming the rule. */
    public static String election(String name) {
        if (name == null || !ELECTION.matcher(name).matches()) {
            throw new InvalidSettingException("election name must be 1-128 characters of letters, digits, '.', '_'"
                    + " or '-', starting with a letter or digit: " + quote(name));
        }
        return name;
    }

    /** Returns {@code id} if it is a valid candidate id, else throws naming the rule. */
    public static String candidate(String id) {
        if (id == null || !CANDIDATE.matcher(id).matches()) {
            throw new InvalidSettingException("candidate id must be 1-128 characters of letters, digits, '.', '_',"
                    + " ':', '@' or '-', starting with a letter or digit: " + quote(id));
        }
        return id;
    }

    /** Returns an immutable copy of {@code metadata} if valid, else throws naming the rule. */
    public static Map<String, String> metadata(Map<String, String> metadata) {
        if (metadata == null) {
            throw new InvalidSettingException("metadata must not be null (use an empty map)");
        }
        int size = 0;
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey() == null || !META_KEY.matcher(e.getKey()).matches()) {
                throw new InvalidSettingException("metadata key must be 1-64 characters of letters, digits, '.', '_'"
                        + " or '-': " + quote(e.getKey()));
            }
            if (e.getValue() == null) {
                throw new InvalidSettingException("metadata value for '" + e.getKey() + "' must not be null");
            }
            size += e.getKey().length() + e.getValue().length();
        }
        if (size > MAX_METADATA_CHARS) {
            throw new InvalidSettingException(
                    "metadata must be at most " + MAX_METADATA_CHARS + " characters in all: " + size);
        }
        return Map.copyOf(metadata);
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
