package io.elector.spring.backend;

/** Hears every call a lease engine makes to its store: for health and metrics. Must not block. */
public interface StoreCallListener {

    /** The store operations reported. */
    enum Operation {
        ACQUIRE,
        RENEW,
        RELEASE,
        READ
    }

    /**
     * One call ended.
     *
     * @param operation which call
     * @param nanos how long it took
     * @param failure its exception, or null if it succeeded
     */
    void called(Operation operation, long nanos, Exception failure);
}
