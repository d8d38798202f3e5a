package io.elector.cli.backend;

import io.elector.etcd.EtcdBackend;
import io.elector.spi.Backend;
import java.util.Optional;
import java.util.Set;

/**
 * {@code etcd://host:port[,host:port...][/root][?ttl=3s&timeout=2s]}: elections on etcd (see
 * elector-etcd's README). Waits, at most the connect timeout, for etcd to grant the process its
 * lease, so an unreachable etcd is one clear line.
 */
public final class EtcdBackendProvider implements BackendProvider {
    @Override
    public Set<String> schemes() {
        return Set.of("etcd");
    }

    @Override
    public String example() {
        return "etcd://127.0.0.1:2379";
    }

    @Override
    public Backend create(BackendUri uri, BackendOptions options) {
        EtcdBackend backend;
        try {
            backend = EtcdBackend.create(EtcdBackend.config(uri.toUri()));
        } catch (IllegalArgumentException e) {
            throw new BackendConfigException(BackendUri.redact(e.getMessage()), e);
        }
        Optional<String> problem;
        try {
            problem = backend.awaitLease(options.connectTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            backend.close();
            throw new BackendConfigException("interrupted while connecting to etcd");
        }
        if (problem.isPresent()) {
            backend.close();
            throw new BackendConfigException("cannot reach etcd at " + uri.redacted() + " within "
                    + options.connectTimeout().toMillis() + " ms: " + oneLine(problem.get()));
        }
        return backend;
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ").trim();
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }
}
