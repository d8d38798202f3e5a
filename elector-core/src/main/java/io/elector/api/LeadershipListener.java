package io.elector.api;

/**
 * Receives a candidate's own elected/revoked events. Calls are strictly alternating, start with
 * {@code elected}, never overlap, and run on the elector's callback executor, never on an internal
 * thread: a listener that blocks delays later events to itself only, and never delays the step
 * down (the leadership is invalid at its deadline whatever a listener does). Exceptions thrown by a
 * listener are logged at WARN and otherwise ignored.
 *
 * <p>On a resign or a close, the lease is handed back only after every listener's {@code revoked}
 * has returned (and leader-only work has stopped), at the latest at the leadership's deadline: a
 * listener that stops acting in {@code revoked} never overlaps the next leader, and {@code
 * Election.close()} / {@code Elector.close()} return after {@code revoked} was delivered. (Called
 * from inside a listener, {@code close()} does not wait for that listener's own callback.)
 */
public interface LeadershipListener {

    /** This candidate became leader. */
    default void elected(Leadership leadership) {}

    /** The leadership given to the previous {@link #elected} call ended. */
    default void revoked(Leadership leadership, Revocation revocation) {}
}
