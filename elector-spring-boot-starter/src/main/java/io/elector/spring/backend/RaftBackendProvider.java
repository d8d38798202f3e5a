package io.elector.spring.backend;

import io.elector.raft.RaftBackend;
import io.elector.spi.Backend;
import io.elector.spi.LeaseStore;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * {@code raft://host:port,host:port,...?node=N}: the embedded Raft election among the
 * application's own instances, through elector-raft. Loaded only when elector-raft is on the class
 * path. Raft is push-style: there is no store to time, so renew-latency metrics and the backend
 * reachability part of the health check do not apply.
 */
public final class RaftBackendProvider implements BackendProvider {

    @Override
    public Set<String> schemes() {
        return Set.of("raft");
    }

    @Override
    public String example() {
        return "raft://127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003?node=1";
    }

    @Override
    public void validate(String uri) {
        RaftBackend.fromUri(uri);
    }

    @Override
    public Backend open(String uri, UnaryOperator<LeaseStore> decorator) {
        return RaftBackend.fromUri(uri).build();
    }
}
