package io.elector.time;

/** A handle on a scheduled action. */
@FunctionalInterface
public interface Cancellable {
    /** Cancels the action if it has not started; does nothing otherwise. */
    void cancel();
}
