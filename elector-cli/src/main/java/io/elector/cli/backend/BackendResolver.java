package io.elector.cli.backend;

import io.elector.spi.Backend;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Maps a backend URI's scheme to the {@link BackendProvider} that handles it. Providers come from
 * {@link ServiceLoader}, so what the command supports is what is on its class path.
 */
public final class BackendResolver {
    private final Map<String, BackendProvider> byScheme;

    private BackendResolver(Map<String, BackendProvider> byScheme) {
        this.byScheme = byScheme;
    }

    /** The providers found on the class path. Two providers claiming one scheme is a build error. */
    public static BackendResolver fromClassPath() {
        return of(ServiceLoader.load(BackendProvider.class, BackendResolver.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get)
                .toList());
    }

    /** A resolver over exactly these providers. */
    public static BackendResolver of(List<BackendProvider> providers) {
        Map<String, BackendProvider> m = new TreeMap<>();
        for (BackendProvider p : providers) {
            for (String s : p.schemes()) {
                BackendProvider old = m.put(s, p);
                if (old != null && old.getClass() != p.getClass()) {
                    throw new IllegalStateException("scheme '" + s + "' is claimed by both "
                            + old.getClass().getName() + " and " + p.getClass().getName());
                }
            }
        }
        return new BackendResolver(m);
    }

    /** The schemes known, sorted. */
    public List<String> schemes() {
        return List.copyOf(byScheme.keySet());
    }

    /** One example URI per provider, for help texts. */
    public List<String> examples() {
        return byScheme.values().stream()
                .distinct()
                .map(BackendProvider::example)
                .sorted()
                .toList();
    }

    /** The provider for {@code uri}'s scheme, or a one-line error listing the known schemes. */
    public BackendProvider provider(BackendUri uri) {
        BackendProvider p = byScheme.get(uri.scheme());
        if (p == null) {
            throw new BackendConfigException(
                    "unknown backend scheme '" + uri.scheme() + ":' in '" + uri.redacted() + "'; known: "
                            + byScheme.keySet().stream().map(s -> s + ":").collect(Collectors.joining(" ")));
        }
        return p;
    }

    /** Resolves and opens the backend for {@code text}. */
    public Backend open(String text, BackendOptions options) {
        BackendUri uri = BackendUri.parse(text);
        return provider(uri).create(uri, options);
    }
}
