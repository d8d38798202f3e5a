package io.elector.api;

/**
 * Receives a candidate's own elected/revoked events. Calls are strictly alternating, start with
 * {@code elected}, never overlap, and run on the elector's callback executor, never on an internal
 * thread: a listener that blocks delays later events to itself only, and never delays the step
 * down (the leadership is invalid at its deadline whatever a listener does). Exceptions thrown by a
 * listener are logged at WARN and otherwise ignored.
 */
public interface LeadershipListener {

    /** This candidate became leader. */
    default void elected(Leadership leadership) {}

    /** The leadership given to the previous {@link #elected} call ended. */
    default void revoked(Leadership leadership, Revocation revocation) {}
}
