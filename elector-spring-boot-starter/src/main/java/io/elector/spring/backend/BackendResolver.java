package io.elector.spring.backend;

import io.elector.spring.ElectorConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.util.ClassUtils;

/**
 * Finds the provider for a backend URI among those on the class path: {@code memory:} always; the
 * JDBC, Raft and Redis providers when elector-jdbc / elector-raft / elector-redis are present (detected by their public
 * factory classes); any provider registered with {@link ServiceLoader}. A scheme whose module is
 * missing gets an error naming the module to add.
 */
public final class BackendResolver {
    /** The module that serves each scheme the project knows, for "add this module" messages. */
    private static final Map<String, String> MODULES = Map.ofEntries(
            Map.entry("memory", "elector-core"),
            Map.entry("postgresql", "elector-jdbc"),
            Map.entry("postgres", "elector-jdbc"),
            Map.entry("mysql", "elector-jdbc"),
            Map.entry("mariadb", "elector-jdbc"),
            Map.entry("h2", "elector-jdbc"),
            Map.entry("jdbc", "elector-jdbc"),
            Map.entry("raft", "elector-raft"),
            Map.entry("redis", "elector-redis"),
            Map.entry("rediss", "elector-redis"),
            Map.entry("zookeeper", "elector-zookeeper"),
            Map.entry("etcd", "elector-etcd"),
            Map.entry("azblob", "elector-azure"));

    private static final String PROPERTY = "elector.backend";

    private final Map<String, BackendProvider> byScheme;

    private BackendResolver(Map<String, BackendProvider> byScheme) {
        this.byScheme = byScheme;
    }

    /** The providers found on {@code loader}'s class path. */
    public static BackendResolver fromClassPath(ClassLoader loader) {
        List<BackendProvider> providers = new ArrayList<>();
        providers.add(new MemoryBackendProvider());
        if (ClassUtils.isPresent("io.elector.jdbc.JdbcBackend", loader)) {
            providers.add(new JdbcBackendProvider());
        }
        if (ClassUtils.isPresent("io.elector.raft.RaftBackend", loader)) {
            providers.add(new RaftBackendProvider());
        }
        if (ClassUtils.isPresent("io.elector.redis.RedisBackend", loader)) {
            providers.add(new RedisBackendProvider());
        }
        ServiceLoader.load(BackendProvider.class, loader).forEach(providers::add);
        return of(providers);
    }

    /** A resolver over exactly {@code providers}; a later provider of a scheme replaces an earlier one. */
    public static BackendResolver of(List<BackendProvider> providers) {
        Map<String, BackendProvider> m = new TreeMap<>();
        for (BackendProvider p : providers) {
            for (String s : p.schemes()) {
                m.put(s, p);
            }
        }
        return new BackendResolver(m);
    }

    /**
     * The provider for {@code uri}, after checking the URI without connecting.
     *
     * @throws ElectorConfigurationException naming {@code elector.backend}: no URI, no scheme,
     *     unknown scheme, missing module, or a malformed URI
     */
    public BackendProvider resolve(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new ElectorConfigurationException(
                    PROPERTY,
                    "no backend is configured",
                    "Set elector.backend to a backend URI, for example 'memory:' (one JVM) or "
                            + "'postgresql://127.0.0.1:5432/test?user=postgres' (with elector-jdbc). Known here: "
                            + known());
        }
        String scheme = BackendUris.scheme(uri);
        String shown = BackendUris.redact(uri.strip());
        if (scheme == null) {
            throw new ElectorConfigurationException(
                    PROPERTY,
                    "'" + shown + "' has no scheme (like 'memory:' or 'postgresql:')",
                    "Write the backend as a URI. Known here: " + known());
        }
        BackendProvider p = byScheme.get(scheme);
        if (p == null) {
            String module = MODULES.get(scheme);
            if (module != null) {
                throw new ElectorConfigurationException(
                        PROPERTY,
                        "the '" + scheme + ":' backend of '" + shown + "' needs module io.elector:" + module
                                + ", which is not on the class path",
                        "Add the dependency io.elector:" + module + " to the application.");
            }
            throw new ElectorConfigurationException(
                    PROPERTY,
                    "unknown backend scheme '" + scheme + ":' in '" + shown + "'",
                    "Use one of the schemes known here: " + known()
                            + " (other backends need their module on the class path).");
        }
        try {
            p.validate(uri.strip());
        } catch (IllegalArgumentException e) {
            throw new ElectorConfigurationException(
                    PROPERTY,
                    "malformed backend URI '" + shown + "': " + BackendUris.redact(String.valueOf(e.getMessage())),
                    "Fix the URI; for example " + p.example(),
                    e);
        }
        return p;
    }

    /** The schemes known, as {@code memory: postgresql: ...}. */
    public String known() {
        return byScheme.keySet().stream().map(s -> s + ":").collect(Collectors.joining(" "));
    }
}
