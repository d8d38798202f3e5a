package io.elector.api;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Watches an election without taking part in it. Values may coalesce (see {@link
 * Election#watchLeader}).
 */
public interface ElectionObserver extends AutoCloseable {

    /** The election name. */
    String name();

    /** The leader as last seen; empty when nobody leads or nothing was seen yet. */
    Optional<LeaderInfo> leader();

    /** Calls {@code consumer} with the current value at once, then on each change. */
    Registration watch(Consumer<Optional<LeaderInfo>> consumer);

    @Override
    void close();
}
