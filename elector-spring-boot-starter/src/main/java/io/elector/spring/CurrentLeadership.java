package io.elector.spring;

import io.elector.api.Leadership;
import java.util.Optional;

/**
 * The leadership under which the current thread runs a {@link LeaderOnly} method: for methods that
 * cannot take it as a parameter ({@code @Scheduled} ones). Set for the duration of the call only;
 * nested calls see their own.
 */
public final class CurrentLeadership {
    private static final ThreadLocal<Leadership> CURRENT = new ThreadLocal<>();

    private CurrentLeadership() {}

    /** The leadership of the innermost {@link LeaderOnly} call running on this thread, if any. */
    public static Optional<Leadership> get() {
        return Optional.ofNullable(CURRENT.get());
    }

    /**
     * The fencing token of the innermost {@link LeaderOnly} call on this thread.
     *
     * @throws IllegalStateException when called outside a {@link LeaderOnly} method
     */
    public static long fencingToken() {
        Leadership l = CURRENT.get();
        if (l == null) {
            throw new IllegalStateException("CurrentLeadership.fencingToken() called outside a @LeaderOnly method");
        }
        return l.fencingToken();
    }

    /** Sets the value for a call; returns the previous one, to hand back to {@link #restore}. */
    static Leadership enter(Leadership l) {
        Leadership previous = CURRENT.get();
        CURRENT.set(l);
        return previous;
    }

    static void restore(Leadership previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }
}
