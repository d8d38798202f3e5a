package io.elector.zookeeper;

import io.elector.api.LeaderInfo;
import io.elector.spi.ObserveRequest;
import io.elector.spi.ObserverEvents;
import io.elector.spi.ObserverSession;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Watches an election's children and reports the lowest znode's candidate. Observers, unlike
 * candidates, watch every change (they are few); they may miss a leader that held office between
 * two notifications (coalescing to the latest). Runs on the backend's lane.
 */
final class ZkObserver implements ObserverSession {
    private final ZooKeeperBackend backend;
    private final ObserveRequest request;
    private final ObserverEvents events;
    private final String electionPath;
    private boolean stopped;

    ZkObserver(ZooKeeperBackend backend, ObserveRequest request, ObserverEvents events) {
        this.backend = backend;
        this.request = request;
        this.events = events;
        this.electionPath = backend.electionPath(request.election());
    }

    @Override
    public void close() {
        backend.onLane(this::stop);
    }

    void stop() {
        stopped = true;
        backend.removed(this);
    }

    void check() {
        if (stopped) {
            return;
        }
        CuratorWatcher w = event -> backend.onLane(this::check);
        try {
            List<String> children;
            try {
                children = new ArrayList<>(
                        backend.client().getChildren().usingWatcher(w).forPath(electionPath));
            } catch (KeeperException.NoNodeException e) {
                // No election yet: watch for its creation.
                if (backend.client().checkExists().usingWatcher(w).forPath(electionPath) == null) {
                    events.leaderObserved(null);
                    return;
                }
                children = new ArrayList<>(
                        backend.client().getChildren().usingWatcher(w).forPath(electionPath));
            }
            children.removeIf(n -> NodeData.sequence(n) < 0);
            children.sort(Comparator.comparingLong(NodeData::sequence));
            Optional<LeaderInfo> leader = Optional.empty();
            for (String lowest : children) {
                Stat stat = new Stat();
                try {
                    byte[] data = backend.client().getData().storingStatIn(stat).forPath(electionPath + "/" + lowest);
                    leader = NodeData.decode(request.election(), data, stat);
                    break;
                } catch (KeeperException.NoNodeException e) {
                    // deleted meanwhile: the next one leads
                }
            }
            events.leaderObserved(leader.orElse(null));
        } catch (Exception e) {
            // Not connected: RECONNECTED re-checks.
        }
    }
}
