package io.elector.cli.backend;

import io.elector.raft.RaftBackend;
import io.elector.raft.RaftConfigException;
import io.elector.spi.Backend;
import java.util.Set;

/**
 * {@code raft://host:port,host:port,host:port?node=N}: one node of the embedded Raft cluster (see
 * {@code io.elector.raft.RaftUri} for the parameters); without {@code node=} an observer. The
 * cluster secret comes from {@code ELECTOR_RAFT_SECRET} or {@code ?secret=}.
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
    public Backend create(BackendUri uri, BackendOptions options) {
        try {
            return RaftBackend.fromUri(uri.raw()).build();
        } catch (RaftConfigException e) {
            throw new BackendConfigException(BackendUri.redact(e.getMessage()), e);
        }
    }
}
