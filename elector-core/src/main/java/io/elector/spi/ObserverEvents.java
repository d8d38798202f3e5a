package io.elector.spi;

import io.elector.api.LeaderInfo;

/** How a backend reports an observed leader. Safe from any thread; must not block. */
@FunctionalInterface
public interface ObserverEvents {
    /** The leader now, or {@code null} when nobody leads. */
    void leaderObserved(LeaderInfo leader);
}
