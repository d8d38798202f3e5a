package io.elector.etcd;

import io.elector.api.LeaderInfo;
import io.elector.spi.ObserveRequest;
import io.elector.spi.ObserverEvents;
import io.elector.spi.ObserverSession;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every change under an election's prefix and reports the candidate whose key has the
 * lowest create revision. Observers, unlike candidates, watch the whole election (they are few);
 * they may miss a leader that held office between two reads (coalescing to the latest). Runs on
 * the backend's lane.
 */
final class EtcdObserver implements ObserverSession {
    private static final Logger log = LoggerFactory.getLogger(EtcdObserver.class);

    private final EtcdBackend backend;
    private final ObserveRequest request;
    private final ObserverEvents events;
    private final ByteSequence prefix;
    private boolean stopped;
    private Watch.Watcher watcher;
    private long generation;
    private boolean rereadScheduled;

    EtcdObserver(EtcdBackend backend, ObserveRequest request, ObserverEvents events) {
        this.backend = backend;
        this.request = request;
        this.events = events;
        this.prefix = backend.prefix(request.election());
    }

    @Override
    public void close() {
        backend.onLane(this::stop);
    }

    void stop() {
        stopped = true;
        stopWatch();
        backend.removed(this);
    }

    /** Reads the leader, then watches the prefix from the revision of that read on. */
    void start() {
        long revision = read();
        if (revision < 0) {
            scheduleReread();
            return;
        }
        if (watcher == null) {
            long gen = ++generation;
            watcher = backend.watch()
                    .watch(
                            prefix,
                            WatchOption.builder()
                                    .isPrefix(true)
                                    .withRevision(revision + 1)
                                    .build(),
                            Watch.listener(
                                    r -> backend.onLane(() -> {
                                        if (gen == generation) {
                                            read();
                                        }
                                    }),
                                    t -> backend.onLane(() -> {
                                        if (gen == generation) {
                                            log.debug("etcd observer watch error: {}", t.toString());
                                            stopWatch();
                                            scheduleReread();
                                        }
                                    })));
        }
    }

    /** Reports the lowest key's candidate; returns the read's revision, or -1 if it failed. */
    private long read() {
        if (stopped) {
            return -1;
        }
        try {
            GetResponse r = backend.kv()
                    .get(
                            prefix,
                            GetOption.builder()
                                    .isPrefix(true)
                                    .withSortField(GetOption.SortTarget.CREATE)
                                    .withSortOrder(GetOption.SortOrder.ASCEND)
                                    .withLimit(1)
                                    .build())
                    .get(backend.timeoutMillis(), TimeUnit.MILLISECONDS);
            LeaderInfo leader = null;
            if (!r.getKvs().isEmpty()) {
                KeyValue kv = r.getKvs().get(0);
                leader = CandidateValue.decode(request.election(), kv.getValue().getBytes(), kv.getCreateRevision())
                        .orElse(null);
            }
            events.leaderObserved(leader);
            return r.getHeader().getRevision();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (Exception e) {
            log.debug("etcd observer read failed: {}", e.toString());
            return -1;
        }
    }

    private void scheduleReread() {
        if (rereadScheduled || stopped) {
            return;
        }
        rereadScheduled = true;
        backend.onLaneLater(
                () -> {
                    rereadScheduled = false;
                    if (!stopped) {
                        start();
                    }
                },
                backend.retryMillis());
    }

    private void stopWatch() {
        generation++;
        Watch.Watcher w = watcher;
        watcher = null;
        if (w != null) {
            w.close();
        }
    }
}
