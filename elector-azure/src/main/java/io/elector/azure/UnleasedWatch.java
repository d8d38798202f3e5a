package io.elector.azure;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * For {@link AzureStoreConfig#withRollbackSafe}: how long this process has seen each blob unleased
 * and unchanged. A blob may be taken once it was seen so for a whole wait, polled without a gap
 * longer than the allowed one; any change (another ETag, a lease, a gap) starts the wait again.
 *
 * <p>Why that is safe against a service that rolls back: a holder whose lease the service forgot
 * cannot renew it any more, so its last successful renewal was sent before the first time anyone
 * saw the blob unleased, and its local deadline (that send time + lease, shortened by the drift
 * bound) passes within one lease of that sighting. A second rollback to the very same ETag between
 * two polls (a new leadership acquired and forgotten within one gap) is not covered; a gap of at
 * most a third of the lease makes that window small.
 *
 * <p>Times are {@link System#nanoTime()} readings passed in, so tests can drive it.
 */
final class UnleasedWatch {
    private record Sighting(String etag, long firstNanos, long lastNanos) {}

    private final Map<String, Sighting> seen = new ConcurrentHashMap<>();

    /** The blob is leased (by anyone): the wait starts again from its next unleased sighting. */
    void leased(String election) {
        seen.remove(election);
    }

    /**
     * Records that {@code election}'s blob is unleased with {@code etag} at {@code nowNanos}.
     *
     * @return true if it has been seen unleased and unchanged for at least {@code waitNanos}, with
     *     no gap between sightings longer than {@code maxGapNanos}
     */
    boolean unleased(String election, String etag, long nowNanos, long waitNanos, long maxGapNanos) {
        Sighting s = seen.get(election);
        if (s == null || !s.etag().equals(etag) || nowNanos - s.lastNanos() > maxGapNanos) {
            seen.put(election, new Sighting(etag, nowNanos, nowNanos));
            return waitNanos <= 0;
        }
        seen.put(election, new Sighting(etag, s.firstNanos(), nowNanos));
        return nowNanos - s.firstNanos() >= waitNanos;
    }

    /** Forgets {@code election} (this process took it). */
    void taken(String election) {
        seen.remove(election);
    }
}
