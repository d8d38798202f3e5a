package io.elector.core;

import io.elector.api.ElectionObserver;
import io.elector.api.LeaderInfo;
import io.elector.api.Registration;
import io.elector.spi.Backend;
import io.elector.spi.ObserveRequest;
import io.elector.spi.ObserverSession;
import io.elector.time.ElectorRuntime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** An observation: the latest leader seen, delivered to watchers in order on a callback lane. */
final class ObserverHandle implements ElectionObserver {
    private final String election;
    private final SerialExecutor callbacks;
    private final List<Consumer<Optional<LeaderInfo>>> watchers = new CopyOnWriteArrayList<>();
    private volatile LeaderInfo latest;
    private volatile ObserverSession session;

    ObserverHandle(String election, ElectorRuntime runtime) {
        this.election = election;
        this.callbacks = new SerialExecutor(runtime.callbackExecutor(), "observer " + election);
    }

    void start(Backend backend, ObserveRequest request) {
        session = backend.observe(request, this::onLeader);
    }

    private void onLeader(LeaderInfo leader) {
        // Ordered through the lane so that watchers see values in the order the backend sent them.
        callbacks.execute(() -> {
            if (Objects.equals(leader, latest)) {
                return;
            }
            latest = leader;
            Optional<LeaderInfo> v = Optional.ofNullable(leader);
            for (Consumer<Optional<LeaderInfo>> w : watchers) {
                w.accept(v);
            }
        });
    }

    @Override
    public String name() {
        return election;
    }

    @Override
    public Optional<LeaderInfo> leader() {
        return Optional.ofNullable(latest);
    }

    @Override
    public Registration watch(Consumer<Optional<LeaderInfo>> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        callbacks.execute(() -> {
            watchers.add(consumer);
            consumer.accept(Optional.ofNullable(latest));
        });
        return () -> watchers.remove(consumer);
    }

    @Override
    public void close() {
        ObserverSession s = session;
        if (s != null) {
            s.close();
        }
    }
}
